using Intranet.Modules.PlanKpi.Contracts;
using Intranet.Modules.PlanKpi.Data;
using Intranet.Modules.PlanKpi.Domain;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using Intranet.Shared.Time;
using MediatR;

namespace Intranet.Modules.PlanKpi.UseCases;

/// <summary>
/// One indicator on the 実績入力 page (and one row of the Excel entry sheet) for one fiscal year.
/// </summary>
/// <param name="IndicatorCode">Indicator code (an internal key: shown only to administrators).</param>
/// <param name="IndicatorName">Indicator name, e.g. 「Twitter フォロワー数」.</param>
/// <param name="ProjectCode">Project code as the plan prints it (「1-2-(1)」), empty for a measure-level indicator.</param>
/// <param name="ProjectName">Project name, or the measure's title for a measure-level indicator.</param>
/// <param name="Unit">単位.</param>
/// <param name="Target">The year's target as the plan prints it (「7,000」「70%以上」), or 「—」.</param>
/// <param name="TargetValue">The year's numeric target, or null.</param>
/// <param name="LastYearValue">The previous fiscal year's actual (typed or fed), or null.</param>
/// <param name="Value">This year's actual, or null when none yet.</param>
/// <param name="Note">The note typed with the actual.</param>
/// <param name="Version">Concurrency version of the typed actual (null when none, or when fed).</param>
/// <param name="FedBy">Japanese name of the module that feeds this indicator (「RPA台帳」); null when typed in.</param>
/// <param name="Owes">True when a value is still expected (<see cref="ActualValueRules.Owes"/>).</param>
/// <param name="LeadDepartments">主管課 of the project.</param>
/// <param name="Cumulative">累積: the value counts everything since the plan start.</param>
/// <param name="EnteredBy">Who entered the current value last, or null.</param>
/// <param name="EnteredAt">When (UTC), or null.</param>
public sealed record EntryRow(string IndicatorCode, string IndicatorName, string ProjectCode, string ProjectName, string Unit,
    string Target, decimal? TargetValue, decimal? LastYearValue, decimal? Value, string? Note, Guid? Version,
    string? FedBy, bool Owes, IReadOnlyList<string> LeadDepartments, bool Cumulative = false,
    string? EnteredBy = null, DateTimeOffset? EnteredAt = null)
{
    /// <summary>True when the actual comes from a module and cannot be typed.</summary>
    public bool IsFed => FedBy is not null;
}

/// <summary>The 実績入力 page of one plan, fiscal year and department.</summary>
/// <param name="PlanCode">Plan code.</param>
/// <param name="PlanTitle">Plan title.</param>
/// <param name="FiscalYear">The fiscal year shown (starting calendar year), clamped into the plan period.</param>
/// <param name="Years">Every plan year, first to last.</param>
/// <param name="Department">The department whose indicators are listed; null = every indicator (plan office only).</param>
/// <param name="Departments">Departments the user may choose (every lead department for the plan office, else their own).</param>
/// <param name="CanChooseDepartment">True for PlanOffice and Administrator.</param>
/// <param name="IsAdministrator">True when the user may see internal codes (details block).</param>
/// <param name="Rows">Indicators in plan order.</param>
public sealed record EntrySheet(string PlanCode, string PlanTitle, int FiscalYear, IReadOnlyList<int> Years, string? Department,
    IReadOnlyList<string> Departments, bool CanChooseDepartment, bool IsAdministrator, IReadOnlyList<EntryRow> Rows)
{
    /// <summary>How many values are still owed (<see cref="EntryRow.Owes"/>).</summary>
    public int Owed => Rows.Count(r => r.Owes);

    /// <summary>Rows a person can type into (not fed).</summary>
    public int Editable => Rows.Count(r => !r.IsFed);
}

/// <summary>
/// Loads the 実績入力 page: every indicator the department leads, for one fiscal year, with target, last year's actual
/// and this year's value. A Department user always gets their own department (asking for another one is refused);
/// PlanOffice and Administrator choose any lead department, or none for every indicator of the plan.
/// <paramref name="FiscalYear"/> null or outside the plan → the plan year containing today (clamped).
/// Errors: <see cref="NotFoundException"/> (no such plan), <see cref="ForbiddenException"/> (another department's
/// sheet, or a department user without a department).
/// </summary>
[RequiresRole(Roles.Administrator, Roles.PlanOffice, Roles.Department)]
public sealed record GetEntrySheet(string PlanCode, int? FiscalYear = null, string? Department = null) : IRequest<EntrySheet>;

/// <summary>How many values one department still owes for a year.</summary>
/// <param name="Department">主管課.</param>
/// <param name="Indicators">Indicators it leads that are typed in (not fed).</param>
/// <param name="Owed">Of those, how many have a target for the year and no actual yet.</param>
public sealed record DepartmentOutstanding(string Department, int Indicators, int Owed);

/// <summary>The plan office's list: every lead department with how many values it still owes for a fiscal year.</summary>
/// <param name="PlanCode">Plan code.</param>
/// <param name="PlanTitle">Plan title.</param>
/// <param name="FiscalYear">The fiscal year (clamped into the plan period).</param>
/// <param name="Years">Plan years.</param>
/// <param name="Departments">Sorted by owed (most first), then name.</param>
public sealed record OutstandingByDepartment(string PlanCode, string PlanTitle, int FiscalYear, IReadOnlyList<int> Years,
    IReadOnlyList<DepartmentOutstanding> Departments)
{
    /// <summary>Total owed values.</summary>
    public int Owed => Departments.Sum(d => d.Owed);
}

/// <summary>
/// Lists every lead department of a plan with the values it still owes for <paramref name="FiscalYear"/> (null → the
/// plan year containing today, clamped). PlanOffice and Administrator only. Error: <see cref="NotFoundException"/>.
/// </summary>
[RequiresRole(Roles.Administrator, Roles.PlanOffice)]
public sealed record ListOutstandingByDepartment(string PlanCode, int? FiscalYear = null) : IRequest<OutstandingByDepartment>;

internal sealed class EntrySheetHandlers(PlanKpiDbContext db, ICurrentUser user, TimeProvider clock, IEnumerable<MetricDefinition> definitions)
    : IRequestHandler<GetEntrySheet, EntrySheet>, IRequestHandler<ListOutstandingByDepartment, OutstandingByDepartment>
{
    public async Task<EntrySheet> Handle(GetEntrySheet request, CancellationToken ct)
    {
        var snapshot = await LoadAsync(request.PlanCode, ct);
        var year = Year(snapshot, request.FiscalYear);
        var choose = user.IsSystem || user.IsInRole(Roles.Administrator) || user.IsInRole(Roles.PlanOffice);
        string? department;
        IReadOnlyList<string> departments;
        if (choose)
        {
            departments = snapshot.LeadDepartments;
            department = string.IsNullOrWhiteSpace(request.Department) ? null : request.Department.Trim();
        }
        else
        {
            department = user.Department is { Length: > 0 } own ? own
                : throw new ForbiddenException("所属課が登録されていないため、実績値を入力できません。システム管理者に所属課の登録を依頼してください。");
            if (!string.IsNullOrWhiteSpace(request.Department) && request.Department.Trim() != department)
                throw new ForbiddenException($"{request.Department} の実績値は入力できません。入力できるのは所属課 ({department}) の指標だけです。");
            departments = [department];
        }
        var rows = EntryRows.Of(snapshot, year)
            .Where(r => department is null || r.LeadDepartments.Contains(department)).ToList();
        return new EntrySheet(snapshot.Plan.Code, snapshot.Plan.Title, year, snapshot.Years.Select(y => y.StartYear).ToList(),
            department, departments, choose, user.IsSystem || user.IsInRole(Roles.Administrator), rows);
    }

    public async Task<OutstandingByDepartment> Handle(ListOutstandingByDepartment request, CancellationToken ct)
    {
        var snapshot = await LoadAsync(request.PlanCode, ct);
        var year = Year(snapshot, request.FiscalYear);
        var rows = EntryRows.Of(snapshot, year);
        return new OutstandingByDepartment(snapshot.Plan.Code, snapshot.Plan.Title, year, snapshot.Years.Select(y => y.StartYear).ToList(),
            EntryRows.Outstanding(snapshot, rows));
    }

    private async Task<PlanSnapshot> LoadAsync(string planCode, CancellationToken ct) =>
        await PlanSnapshot.LoadAsync(db, planCode, clock.TodayInJapan(), definitions, ct)
        ?? throw new NotFoundException($"計画 {planCode} は登録されていません。");

    /// <summary>The requested year when it lies in the plan, else the plan year containing today (clamped).</summary>
    internal static int Year(PlanSnapshot snapshot, int? requested) =>
        requested is { } y && y >= snapshot.Plan.FirstFiscalYear && y <= snapshot.Plan.LastFiscalYear ? y : snapshot.DefaultYear.StartYear;
}

/// <summary>Builds entry rows and outstanding counts from a plan snapshot (shared by the page, the sheet and the home page).</summary>
internal static class EntryRows
{
    /// <summary>One row per indicator of the plan for <paramref name="year"/>, in plan order.</summary>
    public static List<EntryRow> Of(PlanSnapshot snapshot, int year) => snapshot.Indicators.Select(r =>
    {
        var y = r.Year(year);
        var last = r.Year(year - 1);
        var fed = r.Indicator.MetricKey is null ? null : r.Feed?.SourceModule ?? "連携元のモジュール";
        // A project not running in the year (ended or added by a plan revision) owes nothing then.
        var hasTarget = y is not null && (y.TargetValue is not null || !string.IsNullOrWhiteSpace(y.TargetText))
            && (r.Project?.IsActiveIn(year) ?? true);
        var target = y is null ? "—" : y.TargetText ?? (y.TargetValue is { } tv ? Intranet.Shared.Web.Fmt.WithUnit(tv, r.Indicator.Unit) : "—");
        return new EntryRow(r.Indicator.Code, r.Indicator.Name, r.ProjectCode, r.Project?.Name ?? r.Measure.Title, r.Indicator.Unit,
            target, y?.TargetValue, last?.Actual?.Value, y?.Actual?.Value, y?.Actual?.Note, y?.Actual?.Version, fed,
            ActualValueRules.Owes(fed is not null, hasTarget, y?.Actual is not null), r.LeadDepartments, r.Indicator.Cumulative,
            y?.Actual is { IsFed: false } a ? a.Source : null, y?.Actual?.At);
    }).ToList();

    /// <summary>Every lead department with its typed-in indicators and owed values, most owed first.</summary>
    public static List<DepartmentOutstanding> Outstanding(PlanSnapshot snapshot, IReadOnlyList<EntryRow> rows) =>
        snapshot.LeadDepartments.Select(d =>
        {
            var mine = rows.Where(r => r.LeadDepartments.Contains(d) && !r.IsFed).ToList();
            return new DepartmentOutstanding(d, mine.Count, mine.Count(r => r.Owes));
        }).OrderByDescending(d => d.Owed).ThenBy(d => d.Department, StringComparer.Ordinal).ToList();
}
