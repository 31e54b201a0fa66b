using Intranet.Modules.Paperless.Contracts;
using Intranet.Modules.Paperless.Data;
using Intranet.Modules.Paperless.Domain;
using Intranet.Modules.PlanKpi.Contracts;
using Intranet.Shared.Time;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.Paperless.UseCases;

/// <summary>One fiscal year's figures (rates in %, null when no session was held).</summary>
public sealed record PaperlessYear(FiscalYear Year, int ExecutiveSessions, decimal? ExecutiveRate, int ManagerSessions, decimal? ManagerRate,
    int AssemblySessions, decimal? AssemblyRate, decimal? AssemblyTabletRate, decimal SheetsSaved, int Sessions);

/// <summary>
/// Computes the module's figures per fiscal year (<see cref="PaperlessRules"/>) and reports them to the plan
/// through <see cref="ReportMetrics"/> under the five paperless keys. Rates are reported only for years with
/// sessions of that category; sheets saved for years with any session. Called after every change and nightly.
/// </summary>
public sealed class PaperlessFeed(PaperlessDbContext db, IMediator mediator, TimeProvider clock)
{
    /// <summary>The metric definitions this module registers.</summary>
    public static readonly MetricDefinition[] Definitions =
    [
        new(MetricKeys.PaperlessExecutiveMeetingRate, "庁議のペーパーレス化率(WEB会議含む)", "%", false, PaperlessModuleInfo.DisplayName),
        new(MetricKeys.PaperlessManagerMeetingRate, "課長級以上出席の会議のペーパーレス化率", "%", false, PaperlessModuleInfo.DisplayName),
        new(MetricKeys.PaperlessAssemblyMeetingRate, "議会内会議参加者資料のペーパーレス化率", "%", false, PaperlessModuleInfo.DisplayName),
        new(MetricKeys.PaperlessAssemblyTabletRate, "議場におけるタブレット端末等の活用割合", "%", false, PaperlessModuleInfo.DisplayName),
        new(MetricKeys.PaperlessSheetsSaved, "紙の削減量", "枚", false, PaperlessModuleInfo.DisplayName),
    ];

    /// <summary>Figures of every fiscal year that has sessions, oldest first.</summary>
    public async Task<IReadOnlyList<PaperlessYear>> ComputeAsync(CancellationToken ct)
    {
        var bodies = await db.Bodies.AsNoTracking().Include(b => b.Baselines).ToDictionaryAsync(b => b.Id, ct);
        var sessions = await db.Sessions.AsNoTracking().ToListAsync(ct);
        return sessions.GroupBy(s => FiscalYear.Of(s.HeldOn)).OrderBy(g => g.Key).Select(g =>
        {
            List<MeetingSession> Of(MeetingCategory c) => g.Where(s => bodies[s.BodyId].Category == c).ToList();
            var executive = Of(MeetingCategory.Executive);
            var manager = Of(MeetingCategory.ManagerLevel);
            var assembly = Of(MeetingCategory.Assembly);
            bool Paperless(MeetingSession s) => PaperlessRules.IsPaperless(s.Format, s.Materials);
            var sheets = g.Sum(s => PaperlessRules.SheetsSaved(PaperlessRules.BaselineOn(bodies[s.BodyId].Baselines, s.HeldOn), s.Attendees, s.SheetsPrinted));
            return new PaperlessYear(g.Key, executive.Count, PaperlessRules.Rate(executive, Paperless), manager.Count, PaperlessRules.Rate(manager, Paperless),
                assembly.Count, PaperlessRules.Rate(assembly, Paperless), PaperlessRules.Rate(assembly, s => s.TabletsUsed), Math.Round(sheets, 0, MidpointRounding.AwayFromZero), g.Count());
        }).ToList();
    }

    /// <summary>
    /// The plan period of the plans bound to any paperless key (earliest first year to latest last year of the
    /// indicators, via <see cref="ListMetricConsumers"/>); null when no indicator is bound.
    /// </summary>
    public async Task<PlanPeriod?> PlanPeriodAsync(CancellationToken ct)
    {
        var consumers = new List<MetricConsumer>();
        foreach (var d in Definitions) consumers.AddRange(await mediator.Send(new ListMetricConsumers(d.Key), ct));
        return consumers.Count == 0 ? null : new PlanPeriod(new FiscalYear(consumers.Min(c => c.FirstFiscalYear)), new FiscalYear(consumers.Max(c => c.LastFiscalYear)));
    }

    /// <summary>Recomputes and reports; does nothing when no plan indicator is bound to any paperless key.</summary>
    public async Task<ReportMetricsResult?> PublishAsync(CancellationToken ct)
    {
        var consumers = new List<MetricConsumer>();
        foreach (var d in Definitions) consumers.AddRange(await mediator.Send(new ListMetricConsumers(d.Key), ct));
        if (consumers.Count == 0) return null;
        var first = consumers.Min(c => c.FirstFiscalYear);
        var last = consumers.Max(c => c.LastFiscalYear);
        var now = clock.GetUtcNow();
        var values = new List<MetricValue>();
        foreach (var y in (await ComputeAsync(ct)).Where(y => y.Year.StartYear >= first && y.Year.StartYear <= last))
        {
            void Add(string key, decimal? value, string unit)
            {
                if (value is { } v) values.Add(new MetricValue(key, y.Year.StartYear, v, unit, now));
            }
            Add(MetricKeys.PaperlessExecutiveMeetingRate, y.ExecutiveRate, "%");
            Add(MetricKeys.PaperlessManagerMeetingRate, y.ManagerRate, "%");
            Add(MetricKeys.PaperlessAssemblyMeetingRate, y.AssemblyRate, "%");
            Add(MetricKeys.PaperlessAssemblyTabletRate, y.AssemblyTabletRate, "%");
            Add(MetricKeys.PaperlessSheetsSaved, y.SheetsSaved, "枚");
        }
        // A full recompute: a category left without sessions in a year has its old rate withdrawn.
        return await mediator.Send(new ReportMetrics(PaperlessModuleInfo.DisplayName, values, Definitions.Select(d => d.Key).ToList()), ct);
    }
}
