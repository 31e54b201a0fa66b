using MediatR;

namespace Intranet.Modules.Rpa.Contracts;

/// <summary>Authorization policy names of the RPA registry (roles in <c>Intranet.Shared.Security.Roles</c>).</summary>
public static class RpaPolicies
{
    /// <summary>See the registry: RpaTeam, Administrator, PlanOffice, Cio, Viewer, and Department (own department's cases only).</summary>
    public const string Read = "Rpa.Read";
    /// <summary>Propose an idea (候補): Department, RpaTeam, Administrator.</summary>
    public const string Propose = "Rpa.Propose";
    /// <summary>Everything else: assess, move through the lifecycle, import, map columns, settings. RpaTeam, Administrator.</summary>
    public const string Manage = "Rpa.Manage";
}

/// <summary>Japanese name of the module, used as the source of fed actuals.</summary>
public static class RpaModuleInfo
{
    /// <summary>「RPA台帳」.</summary>
    public const string DisplayName = "RPA台帳";
}

/// <summary>Published after the registry's figures changed and were reported to the plan.</summary>
/// <param name="FiscalYears">The fiscal years reported (starting calendar years).</param>
public sealed record RpaFiguresReported(IReadOnlyList<int> FiscalYears) : INotification;
