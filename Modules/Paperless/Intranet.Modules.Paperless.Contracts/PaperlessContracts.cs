namespace Intranet.Modules.Paperless.Contracts;

/// <summary>Authorization policy names of the paperless-meetings module (roles in <c>Intranet.Shared.Security.Roles</c>).</summary>
public static class PaperlessPolicies
{
    /// <summary>Aggregates (rates, sheets saved): every suite role.</summary>
    public const string Read = "Paperless.Read";
    /// <summary>Own department's meeting bodies and sessions: MeetingOrganizer; PlanOffice and Administrator for all.</summary>
    public const string Organize = "Paperless.Organize";
}

/// <summary>Japanese name of the module, used as the source of fed actuals.</summary>
public static class PaperlessModuleInfo
{
    /// <summary>「ペーパーレス会議」.</summary>
    public const string DisplayName = "ペーパーレス会議";
}
