using Intranet.Modules.PlanKpi.Data;
using Intranet.Modules.PlanKpi.Domain;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using Intranet.Shared.Time;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.PlanKpi.UseCases;

/// <summary>
/// Records a plan revision (計画改訂: 年次見直し or 中間見直し) as the next 版 of the plan, effective from
/// <see cref="EffectiveFiscalYear"/>, with its changes, all or nothing: every change is checked first
/// (<see cref="PlanRevisionRules"/>), then the revision, its changes and their effect on the plan (project years, placements,
/// targets) are saved in one transaction and audited. Returns the new 版 number.
/// Errors: <see cref="ForbiddenException"/> (not plan office or administrator), <see cref="NotFoundException"/> (plan),
/// <see cref="RequestValidationException"/> (every broken rule: fields <c>EffectiveFiscalYear</c>, <c>Title</c>, <c>Reason</c>,
/// <c>Changes</c>; messages name the change, 「変更3: …」), <see cref="ConcurrencyConflictException"/> (another revision was
/// recorded at the same moment).
/// </summary>
/// <param name="PlanCode">Plan code.</param>
/// <param name="Kind">年次見直し or 中間見直し.</param>
/// <param name="EffectiveFiscalYear">適用年度 (starting calendar year), inside the plan period and after every locked year.</param>
/// <param name="Title">件名, ≤ 200 characters.</param>
/// <param name="Reason">見直しの理由, ≤ 2000 characters.</param>
/// <param name="Changes">The changes, in order (1 … 200).</param>
[RequiresRole(Roles.Administrator, Roles.PlanOffice)]
public sealed record RecordPlanRevision(string PlanCode, RevisionKind Kind, int EffectiveFiscalYear, string Title, string Reason,
    IReadOnlyList<RevisionChangeInput> Changes) : IRequest<int>;

/// <summary>One change of a revision as listed on pages.</summary>
/// <param name="Number">Position in the revision, from 1.</param>
/// <param name="Kind">What it did.</param>
/// <param name="ProjectCode">The project's code at the time (old code for a move).</param>
/// <param name="IndicatorCode">Target changes: the indicator.</param>
/// <param name="FiscalYear">Target changes: the target's year.</param>
/// <param name="Before">State before, as text (null for an addition).</param>
/// <param name="After">State after, as text.</param>
/// <param name="Reason">Why.</param>
public sealed record RevisionChangeItem(int Number, RevisionChangeKind Kind, string ProjectCode, string? IndicatorCode, int? FiscalYear,
    string? Before, string? After, string Reason)
{
    /// <summary>「事業の終了」 etc.</summary>
    public string KindLabel => RevisionLabels.Of(Kind);
}

/// <summary>A revision with its changes.</summary>
/// <param name="Number">版.</param>
/// <param name="EffectiveFiscalYear">適用年度 (starting calendar year).</param>
/// <param name="Kind">年次見直し / 中間見直し.</param>
/// <param name="Title">件名.</param>
/// <param name="Reason">見直しの理由.</param>
/// <param name="RecordedBy">Who recorded it (user name / e-mail; shown with <c>Fmt.Actor</c>).</param>
/// <param name="RecordedAt">When (UTC).</param>
/// <param name="Changes">Its changes in order.</param>
public sealed record RevisionItem(int Number, int EffectiveFiscalYear, RevisionKind Kind, string Title, string Reason, string RecordedBy,
    DateTimeOffset RecordedAt, IReadOnlyList<RevisionChangeItem> Changes)
{
    /// <summary>「年次見直し」 / 「中間見直し」.</summary>
    public string KindLabel => RevisionLabels.Of(Kind);
    /// <summary>How many changes it has.</summary>
    public int ChangeCount => Changes.Count;
}

/// <summary>A project as the revision form offers it.</summary>
/// <param name="Code">Project code.</param>
/// <param name="Name">Name.</param>
/// <param name="MeasureCode">The measure of its own placement.</param>
/// <param name="FirstFiscalYear">First year it runs (null = the plan's first year).</param>
/// <param name="LastFiscalYear">Last year it runs (null = the plan's last year).</param>
/// <param name="Indicators">Its indicators: code, name, unit and targets by year (value, printed text).</param>
public sealed record RevisionProjectOption(string Code, string Name, string MeasureCode, int? FirstFiscalYear, int? LastFiscalYear,
    IReadOnlyList<RevisionIndicatorOption> Indicators);

/// <summary>An indicator as the revision form offers it.</summary>
/// <param name="Code">Indicator code.</param>
/// <param name="Name">Name.</param>
/// <param name="Unit">単位.</param>
/// <param name="Targets">Current target per fiscal year: text as printed, else the figure with the unit.</param>
public sealed record RevisionIndicatorOption(string Code, string Name, string Unit, IReadOnlyDictionary<int, string> Targets);

/// <summary>The revisions page: the plan's revisions (newest first) and what the form offers.</summary>
/// <param name="PlanCode">Plan code.</param>
/// <param name="PlanTitle">Plan title.</param>
/// <param name="Years">Plan years (starting calendar years), first to last.</param>
/// <param name="MeasureLevelName">e.g. 事業推進計画.</param>
/// <param name="ProjectLevelName">e.g. 個別事業.</param>
/// <param name="Revisions">Recorded revisions, newest 版 first.</param>
/// <param name="CanRecord">True for plan office and administrators (the form is shown).</param>
/// <param name="LockedYears">Years a revision can no longer take effect in or change (closed evaluation rounds).</param>
/// <param name="Measures">Measures in plan order: code and title.</param>
/// <param name="Projects">Projects in plan order.</param>
/// <param name="DefaultEffectiveYear">The form's first choice: next fiscal year (Japan time), clamped into the plan period and after the locked years.</param>
public sealed record PlanRevisionsView(string PlanCode, string PlanTitle, IReadOnlyList<int> Years, string MeasureLevelName, string ProjectLevelName,
    IReadOnlyList<RevisionItem> Revisions, bool CanRecord, IReadOnlySet<int> LockedYears,
    IReadOnlyList<(string Code, string Title)> Measures, IReadOnlyList<RevisionProjectOption> Projects, int DefaultEffectiveYear);

/// <summary>
/// The revisions of a plan (newest 版 first) with the options of the form to record one. Everyone who reads plans may
/// call it; <see cref="PlanRevisionsView.CanRecord"/> says whether the user may record. Error: <see cref="NotFoundException"/>.
/// </summary>
public sealed record GetPlanRevisions(string PlanCode) : IRequest<PlanRevisionsView>;

/// <summary>One change of a project, with its revision, for the project page (「計画の見直し履歴」).</summary>
/// <param name="RevisionNumber">版.</param>
/// <param name="EffectiveFiscalYear">適用年度.</param>
/// <param name="RevisionKind">年次見直し / 中間見直し.</param>
/// <param name="RevisionTitle">The revision's title.</param>
/// <param name="Change">The change.</param>
public sealed record ProjectRevisionEntry(int RevisionNumber, int EffectiveFiscalYear, RevisionKind RevisionKind, string RevisionTitle,
    RevisionChangeItem Change)
{
    /// <summary>「年次見直し」 / 「中間見直し」.</summary>
    public string KindLabel => RevisionLabels.Of(RevisionKind);
}

internal sealed class PlanRevisionHandlers(PlanKpiDbContext db, ICurrentUser user, TimeProvider clock)
    : IRequestHandler<RecordPlanRevision, int>, IRequestHandler<GetPlanRevisions, PlanRevisionsView>
{
    /// <summary>Whether the user may record revisions (also enforced by <see cref="RequiresRoleAttribute"/> on the command).</summary>
    internal static bool CanRecord(ICurrentUser user) => user.IsSystem || user.IsInRole(Roles.Administrator) || user.IsInRole(Roles.PlanOffice);

    public async Task<int> Handle(RecordPlanRevision request, CancellationToken ct)
    {
        if (!CanRecord(user)) throw new ForbiddenException("計画の見直しを記録できるのは、計画事務局と管理者だけです。");
        var plan = await db.Plans
            .Include(p => p.Policies).ThenInclude(p => p.Measures).ThenInclude(m => m.Placements)
            .Include(p => p.Projects).ThenInclude(p => p.Departments)
            .Include(p => p.Indicators).ThenInclude(i => i.Targets)
            .AsSplitQuery()
            .SingleOrDefaultAsync(p => p.Code == request.PlanCode, ct)
            ?? throw new NotFoundException($"計画 {request.PlanCode} は登録されていません。");

        var number = (await db.PlanRevisions.Where(r => r.PlanId == plan.Id).MaxAsync(r => (int?)r.Number, ct) ?? 0) + 1;
        var revision = new PlanRevision
        {
            PlanId = plan.Id, Number = number, Kind = request.Kind, EffectiveFiscalYear = request.EffectiveFiscalYear,
            Title = request.Title?.Trim() ?? "", Reason = request.Reason?.Trim() ?? "", RecordedBy = user.Name, RecordedAt = clock.GetUtcNow(),
        };
        var locked = await LockedFiscalYearsAsync(db, plan.Id, ct);
        var outcome = PlanRevisionRules.Apply(plan, revision, request.Changes ?? [], locked);
        if (!outcome.IsValid)
            throw new RequestValidationException(outcome.Problems.Select(p => new FieldError(p.Field, p.Message)).ToList());

        db.PlanRevisions.Add(revision);
        foreach (var entity in outcome.NewEntities) db.Add(entity);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The unique (plan, 版) index refused a revision recorded at the same moment; nothing was written.
            throw new ConcurrencyConflictException("他の利用者が同時に計画の見直しを記録しました。一覧を確認してから、もう一度記録してください。");
        }
        return number;
    }

    public async Task<PlanRevisionsView> Handle(GetPlanRevisions request, CancellationToken ct)
    {
        var plan = await db.Plans.AsNoTracking()
            .Include(p => p.Policies).ThenInclude(p => p.Measures).ThenInclude(m => m.Placements)
            .Include(p => p.Projects)
            .Include(p => p.Indicators).ThenInclude(i => i.Targets)
            .AsSplitQuery()
            .SingleOrDefaultAsync(p => p.Code == request.PlanCode, ct)
            ?? throw new NotFoundException($"計画 {request.PlanCode} は登録されていません。");
        var revisions = await db.PlanRevisions.AsNoTracking().Include(r => r.Changes)
            .Where(r => r.PlanId == plan.Id).OrderByDescending(r => r.Number).ToListAsync(ct);
        var measures = plan.Policies.OrderBy(p => p.SortOrder).SelectMany(p => p.Measures.OrderBy(m => m.SortOrder)).ToList();
        var projects = new List<RevisionProjectOption>();
        foreach (var m in measures)
        {
            foreach (var pl in m.Placements.Where(p => !p.IsCrossListing).OrderBy(p => p.SortOrder))
            {
                if (plan.Projects.FirstOrDefault(p => p.Id == pl.ProjectId) is not { } project) continue;
                var indicators = plan.Indicators.Where(i => i.ProjectId == project.Id).OrderBy(i => i.SortOrder)
                    .Select(i => new RevisionIndicatorOption(i.Code, i.Name, i.Unit, i.Targets.OrderBy(t => t.FiscalYear).ToDictionary(t => t.FiscalYear,
                        t => !string.IsNullOrWhiteSpace(t.Text) ? t.Text! : t.Value is { } v ? Intranet.Shared.Web.Fmt.WithUnit(v, i.Unit) : "目標値なし")))
                    .ToList();
                projects.Add(new RevisionProjectOption(project.Code, project.Name, m.Code, project.FirstFiscalYear, project.LastFiscalYear, indicators));
            }
        }
        var locked = await LockedFiscalYearsAsync(db, plan.Id, ct);
        var next = Math.Clamp(FiscalYear.Of(clock.TodayInJapan()).StartYear + 1, plan.FirstFiscalYear, plan.LastFiscalYear);
        if (locked.Count > 0) next = Math.Min(Math.Max(next, locked.Max() + 1), plan.LastFiscalYear);
        return new PlanRevisionsView(plan.Code, plan.Title, Enumerable.Range(plan.FirstFiscalYear, plan.LastFiscalYear - plan.FirstFiscalYear + 1).ToList(),
            plan.MeasureLevelName, plan.ProjectLevelName, revisions.Select(Item).ToList(), CanRecord(user),
            locked, measures.Select(m => (m.Code, m.Title)).ToList(), projects, next);
    }

    /// <summary>A stored revision as pages list it.</summary>
    internal static RevisionItem Item(PlanRevision r) => new(r.Number, r.EffectiveFiscalYear, r.Kind, r.Title, r.Reason, r.RecordedBy, r.RecordedAt,
        r.Changes.OrderBy(c => c.Number).Select(Change).ToList());

    /// <summary>A stored change as pages list it.</summary>
    internal static RevisionChangeItem Change(PlanRevisionChange c) =>
        new(c.Number, c.Kind, c.ProjectCode, c.IndicatorCode, c.FiscalYear, c.Before, c.After, c.Reason);

    /// <summary>
    /// The fiscal years of <paramref name="planId"/> whose evaluation is closed: a revision may not take effect in them or
    /// change them: the years whose evaluation round has closed (<see cref="Domain.Evaluation.EvaluationLocks"/>).
    /// </summary>
    private static Task<IReadOnlySet<int>> LockedFiscalYearsAsync(PlanKpiDbContext db, Guid planId, CancellationToken ct) =>
        Domain.Evaluation.EvaluationLocks.LockedYearsAsync(db, planId, ct);
}
