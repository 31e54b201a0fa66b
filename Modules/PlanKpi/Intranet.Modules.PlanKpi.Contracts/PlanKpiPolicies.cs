namespace Intranet.Modules.PlanKpi.Contracts;

/// <summary>Authorization policy names of the plan-KPI module (roles in <c>Intranet.Shared.Security.Roles</c>).</summary>
public static class PlanKpiPolicies
{
    /// <summary>Browse plans, projects, indicators, the dashboard and its export: every staff role (not outside reviewers).</summary>
    public const string Read = "PlanKpi.Read";
    /// <summary>Open the actual-entry form: Administrator, PlanOffice, Department (Department only for projects it leads, checked per project).</summary>
    public const string EnterActuals = "PlanKpi.EnterActuals";
    /// <summary>Import plans and bind indicators to metric keys: Administrator, PlanOffice.</summary>
    public const string ManagePlans = "PlanKpi.ManagePlans";
    /// <summary>The evaluation round's pages: every role including outside reviewers; the use cases decide which rounds and sheets each sees.</summary>
    public const string Evaluation = "PlanKpi.Evaluation";
}
