using System.Globalization;
using System.Text.Json;
using Intranet.Modules.PlanKpi.Contracts;
using Intranet.Modules.PlanKpi.Data;
using Intranet.Modules.PlanKpi.Domain;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using Intranet.Shared.Time;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.PlanKpi.UseCases;

/// <summary>One change of a typed-in actual, read from the module's audit log.</summary>
/// <param name="FiscalYear">The actual's fiscal year (starting calendar year).</param>
/// <param name="At">When it was saved (UTC).</param>
/// <param name="User">Who saved it (user name / e-mail).</param>
/// <param name="Action">「登録」 (first entry), 「修正」 (correction) or 「削除」 (removal).</param>
/// <param name="Before">Value before (null for 登録).</param>
/// <param name="After">Value after (null for 削除).</param>
/// <param name="Note">The note after the change (for 削除, the note the value had).</param>
public sealed record ActualHistoryEntry(int FiscalYear, DateTimeOffset At, string User, string Action, decimal? Before, decimal? After, string? Note);

/// <summary>A project page: the project in its plan, its indicators, who may enter what, and each value's history.</summary>
public sealed class ProjectView
{
    /// <summary>The whole plan evaluated today.</summary>
    public required PlanSnapshot Snapshot { get; init; }
    /// <summary>The project.</summary>
    public required Project Project { get; init; }
    /// <summary>Its indicators in plan order.</summary>
    public required IReadOnlyList<IndicatorRow> Rows { get; init; }
    /// <summary>Where the project is placed (its own placement first, then 【再掲】).</summary>
    public required IReadOnlyList<(Placement Placement, Measure Measure)> Placements { get; init; }
    /// <summary>Codes of the indicators the user may type actuals for (lead department or plan office; not fed).</summary>
    public required IReadOnlySet<string> Editable { get; init; }
    /// <summary>Correction history per indicator code, newest first.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<ActualHistoryEntry>> History { get; init; }
    /// <summary>評価の推移: the project's grades and decision in each plan year's round the user may see, oldest first
    /// (<see cref="Evaluation.GetProjectEvaluations"/>).</summary>
    public IReadOnlyList<Evaluation.ProjectEvaluationYear> Evaluations { get; init; } = [];
    /// <summary>True when the user may see internal codes (metric keys) in a details block.</summary>
    public bool IsAdministrator { get; init; }
    /// <summary>The project's changes by plan revisions (「計画の見直し履歴」), newest 版 first (empty when never revised).</summary>
    public IReadOnlyList<ProjectRevisionEntry> Revisions { get; init; } = [];
}

/// <summary>
/// Loads a project page (<see cref="ProjectView"/>) with the correction history of every actual of its indicators.
/// Errors: <see cref="NotFoundException"/> (plan or project).
/// </summary>
[RequiresRole(Roles.Administrator, Roles.Cio, Roles.PlanOffice, Roles.RpaTeam, Roles.HumanResources, Roles.MeetingOrganizer, Roles.Department, Roles.Viewer)]
public sealed record GetProjectView(string PlanCode, string ProjectCode) : IRequest<ProjectView>;

/// <summary>
/// The correction history of one indicator's typed-in actuals (every year), newest first, from the audit log: who,
/// when, before → after, note. Deleted values stay in it. Error: <see cref="NotFoundException"/>.
/// </summary>
public sealed record GetActualHistory(string PlanCode, string IndicatorCode) : IRequest<IReadOnlyList<ActualHistoryEntry>>;

internal sealed class ProjectViewHandlers(PlanKpiDbContext db, ICurrentUser user, TimeProvider clock, IEnumerable<MetricDefinition> definitions,
    IMediator mediator)
    : IRequestHandler<GetProjectView, ProjectView>, IRequestHandler<GetActualHistory, IReadOnlyList<ActualHistoryEntry>>
{
    public async Task<ProjectView> Handle(GetProjectView request, CancellationToken ct)
    {
        var snapshot = await PlanSnapshot.LoadAsync(db, request.PlanCode, clock.TodayInJapan(), definitions, ct)
            ?? throw new NotFoundException($"計画 {request.PlanCode} は登録されていません。");
        var project = snapshot.Plan.Projects.FirstOrDefault(p => p.Code == request.ProjectCode)
            ?? throw new NotFoundException($"事業 {request.ProjectCode} はこの計画にありません。");
        var rows = snapshot.Indicators.Where(r => r.Project?.Id == project.Id).ToList();
        var placements = snapshot.Policies.SelectMany(p => p.Measures)
            .SelectMany(m => m.Placements.Where(pl => pl.ProjectId == project.Id).Select(pl => (pl, m))).ToList();
        var history = new Dictionary<string, IReadOnlyList<ActualHistoryEntry>>();
        foreach (var row in rows.Where(r => r.Indicator.MetricKey is null))
            history[row.Indicator.Code] = await HistoryAsync(row.Indicator, ct);
        var revisionChanges = await db.PlanRevisionChanges.AsNoTracking().Where(c => c.ProjectId == project.Id)
            .Join(db.PlanRevisions, c => c.RevisionId, r => r.Id, (c, r) => new { c, r }).ToListAsync(ct);
        var revisions = revisionChanges.OrderByDescending(x => x.r.Number).ThenByDescending(x => x.c.Number)
            .Select(x => new ProjectRevisionEntry(x.r.Number, x.r.EffectiveFiscalYear, x.r.Kind, x.r.Title, PlanRevisionHandlers.Change(x.c)))
            .ToList();
        return new ProjectView
        {
            Snapshot = snapshot, Project = project, Rows = rows, Placements = placements, History = history, Revisions = revisions,
            Editable = rows.Where(r => r.Indicator.MetricKey is null && ActualEntryAccess.CanEnter(user, r.LeadDepartments))
                .Select(r => r.Indicator.Code).ToHashSet(),
            IsAdministrator = user.IsSystem || user.IsInRole(Roles.Administrator),
            Evaluations = await mediator.Send(new Evaluation.GetProjectEvaluations(snapshot.Plan.Code, project.Code), ct),
        };
    }

    public async Task<IReadOnlyList<ActualHistoryEntry>> Handle(GetActualHistory request, CancellationToken ct)
    {
        var indicator = await db.Indicators.AsNoTracking().Include(i => i.Actuals)
            .Join(db.Plans.Where(p => p.Code == request.PlanCode), i => i.PlanId, p => p.Id, (i, p) => i)
            .SingleOrDefaultAsync(i => i.Code == request.IndicatorCode, ct)
            ?? throw new NotFoundException($"指標 {request.IndicatorCode} は計画 {request.PlanCode} にありません。");
        return await HistoryAsync(indicator, ct);
    }

    /// <summary>
    /// Replays the audit entries of every actual that ever belonged to <paramref name="indicator"/>: the actuals are
    /// found by their <c>Added</c> entry (which records <c>IndicatorId</c>) and by the actuals that exist now.
    /// </summary>
    private async Task<IReadOnlyList<ActualHistoryEntry>> HistoryAsync(Indicator indicator, CancellationToken ct)
    {
        var id = indicator.Id.ToString();
        var keys = await db.AuditEntries.AsNoTracking()
            .Where(a => a.EntityType == nameof(Actual) && a.Action == "Added" && a.Changes.Contains(id))
            .Select(a => a.EntityKey).ToListAsync(ct);
        keys.AddRange(await db.Actuals.AsNoTracking().Where(a => a.IndicatorId == indicator.Id).Select(a => a.Id.ToString()).ToListAsync(ct));
        keys = keys.Distinct().ToList();
        if (keys.Count == 0) return [];
        var entries = await db.AuditEntries.AsNoTracking()
            .Where(a => a.EntityType == nameof(Actual) && keys.Contains(a.EntityKey)).ToListAsync(ct);

        var result = new List<ActualHistoryEntry>();
        foreach (var group in entries.GroupBy(e => e.EntityKey))
        {
            int? year = null;
            decimal? value = null;
            string? note = null;
            foreach (var e in group.OrderBy(e => e.At).ThenBy(e => e.Action == "Added" ? 0 : e.Action == "Modified" ? 1 : 2))
            {
                var changes = Parse(e.Changes);
                if (changes.TryGetValue(nameof(Actual.FiscalYear), out var fy) && Int(fy.After.ValueKind == JsonValueKind.Number ? fy.After : fy.Before) is { } y) year = y;
                var before = value;
                if (changes.TryGetValue(nameof(Actual.Value), out var v)) value = Dec(v.After);
                if (changes.TryGetValue(nameof(Actual.Note), out var n)) note = n.After.ValueKind == JsonValueKind.String ? n.After.GetString() : null;
                var (action, shownNote) = e.Action switch
                {
                    "Added" => ("登録", note),
                    "Deleted" => ("削除", n.Before.ValueKind == JsonValueKind.String ? n.Before.GetString() : note),
                    _ => ("修正", note),
                };
                if (e.Action == "Deleted") { before = Dec(v.Before) ?? before; value = null; }
                if (e.Action == "Added") before = null;
                if (year is { } fiscalYear)
                    result.Add(new ActualHistoryEntry(fiscalYear, e.At, e.UserName, action, before, value, shownNote));
            }
        }
        // Instants are compared in UTC (SQLite stores text): newest first.
        return result.OrderByDescending(r => r.At.UtcDateTime).ThenByDescending(r => r.FiscalYear).ToList();
    }

    private static Dictionary<string, (JsonElement Before, JsonElement After)> Parse(string json)
    {
        var result = new Dictionary<string, (JsonElement, JsonElement)>(StringComparer.Ordinal);
        using var doc = JsonDocument.Parse(json);
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.Array || p.Value.GetArrayLength() != 2) continue;
            result[p.Name] = (p.Value[0].Clone(), p.Value[1].Clone());
        }
        return result;
    }

    private static decimal? Dec(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number => e.GetDecimal(),
        JsonValueKind.String when decimal.TryParse(e.GetString(), NumberStyles.Number, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };

    private static int? Int(JsonElement e) => e.ValueKind == JsonValueKind.Number ? e.GetInt32() : null;
}
