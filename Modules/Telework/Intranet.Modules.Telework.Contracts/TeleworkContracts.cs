namespace Intranet.Modules.Telework.Contracts;

/// <summary>Authorization policy names of the telework module (roles in <c>Intranet.Shared.Security.Roles</c>).</summary>
public static class TeleworkPolicies
{
    /// <summary>Aggregates only (rates, counts; small groups suppressed): every suite role.</summary>
    public const string Read = "Telework.Read";
    /// <summary>Individual records (roster, telework days), imports, eligibility rules: HumanResources only.</summary>
    public const string HumanResources = "Telework.HumanResources";
}

/// <summary>Japanese name of the module, used as the source of fed actuals.</summary>
public static class TeleworkModuleInfo
{
    /// <summary>「テレワーク管理」.</summary>
    public const string DisplayName = "テレワーク管理";
}
