using Intranet.Modules.Paperless.Contracts;
using Intranet.Modules.Paperless.Data;
using Intranet.Modules.Paperless.Domain;
using Intranet.Modules.PlanKpi.Contracts;
using Intranet.Shared.Time;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.Paperless.UseCases;

/// <summary>
/// One fiscal year's meeting figures (rates in %, null when no session was held). <c>SheetsSaved</c>: the sheets the year's
/// sessions avoided (枚), the meetings' share of 紙の削減量 (<see cref="PaperUseYear.Reduction"/>), no longer reported on its own.
/// </summary>
public sealed record PaperlessYear(FiscalYear Year, int ExecutiveSessions, decimal? ExecutiveRate, int ManagerSessions, decimal? ManagerRate,
    int AssemblySessions, decimal? AssemblyRate, decimal? AssemblyTabletRate, decimal SheetsSaved, int Sessions);

/// <summary>
/// 紙の削減量 of a fiscal year (Hadano 2-2-(2)-1, <see cref="PaperlessRules.PaperReduction"/>).
/// </summary>
/// <param name="Year">The fiscal year.</param>
/// <param name="SheetsUsed">Office-wide paper use recorded for the year (枚), null when not recorded.</param>
/// <param name="BaselineUse">FY2019's recorded use (枚), null when not recorded.</param>
/// <param name="Reduction">BaselineUse − SheetsUsed, never negative (枚); null (未測定) unless both are recorded.</param>
/// <param name="Change">SheetsUsed − BaselineUse (枚, negative = less paper); null unless both are recorded.</param>
/// <param name="MeetingSheetsSaved">Of which avoided by paperless meetings (Σ sessions' sheets saved, 枚); null without sessions.</param>
/// <param name="Record">The recorded row (source note, who, when, version), null when none.</param>
public sealed record PaperUseYear(FiscalYear Year, long? SheetsUsed, long? BaselineUse, long? Reduction, long? Change, decimal? MeetingSheetsSaved,
    PaperUseRecord? Record);

/// <summary>A recorded year's office-wide paper use: sheets (枚), source note, who recorded it in words, when, version.</summary>
public sealed record PaperUseRecord(int FiscalYear, long SheetsUsed, string? SourceNote, string RecordedBy, DateTimeOffset RecordedAt, Guid Version);

/// <summary>
/// Computes the module's figures per fiscal year (<see cref="PaperlessRules"/>) and reports them to the plan
/// through <see cref="ReportMetrics"/> under the five paperless keys. Rates are reported only for years with
/// sessions of that category; <see cref="MetricKeys.PaperlessSheetsSaved"/> (2-2-(2)-1 紙の削減量) only for years whose
/// office-wide paper use and FY2019's are both recorded (<see cref="PaperUseAsync"/>). A full recompute: a value reported
/// earlier for a year no longer measured is withdrawn. Called after every change and nightly.
/// </summary>
public sealed class PaperlessFeed(PaperlessDbContext db, PaperlessReadCache cache, PaperlessTallies tallies, IMediator mediator, TimeProvider clock)
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

    /// <summary>
    /// Figures of every fiscal year that has sessions, oldest first: one SQL aggregate per (category, calendar month)
    /// (<see cref="PaperlessAggregates.CategoryMonthsAsync"/>, ≤ 48 rows a year), cached per change stamp
    /// (<see cref="PaperlessReadCache"/>: one primary-key query while nothing changed), folded into fiscal years by
    /// <see cref="Years"/>. Equal to <see cref="ComputeRowByRowAsync"/> (tests: <c>PaperlessAggregateTests</c>).
    /// </summary>
    public async Task<IReadOnlyList<PaperlessYear>> ComputeAsync(CancellationToken ct) => Years(await cache.CategoryMonthsAsync(db, tallies, ct));

    /// <summary>
    /// Folds per (category, month) tallies into fiscal years, oldest first: sessions per category, rates
    /// (<see cref="PaperlessRules.Rate(int, int)"/>), the assembly's tablet rate, Σ sheets saved rounded to whole sheets.
    /// </summary>
    public static IReadOnlyList<PaperlessYear> Years(IEnumerable<CategoryMonthTally> months) =>
        months.GroupBy(m => FiscalYear.Of(new DateOnly(m.Year, m.Month, 1))).OrderBy(g => g.Key).Select(g =>
        {
            (int Held, int Paperless, int Tablets) Of(MeetingCategory c)
            {
                var rows = g.Where(m => m.Category == c).ToList();
                return (rows.Sum(m => m.Sessions), rows.Sum(m => m.PaperlessSessions), rows.Sum(m => m.TabletSessions));
            }
            var executive = Of(MeetingCategory.Executive);
            var manager = Of(MeetingCategory.ManagerLevel);
            var assembly = Of(MeetingCategory.Assembly);
            return new PaperlessYear(g.Key, executive.Held, PaperlessRules.Rate(executive.Paperless, executive.Held),
                manager.Held, PaperlessRules.Rate(manager.Paperless, manager.Held),
                assembly.Held, PaperlessRules.Rate(assembly.Paperless, assembly.Held), PaperlessRules.Rate(assembly.Tablets, assembly.Held),
                Math.Round(g.Sum(m => m.SheetsSaved), 0, MidpointRounding.AwayFromZero), g.Sum(m => m.Sessions));
        }).ToList();

    /// <summary>
    /// The row-by-row computation (every body and every session loaded as entities, the rules applied to each session in
    /// memory): the reference <see cref="ComputeAsync"/> is tested against, and the "before" of issue #12's measurements.
    /// Pages never call it.
    /// </summary>
    public async Task<IReadOnlyList<PaperlessYear>> ComputeRowByRowAsync(CancellationToken ct)
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
            var sheets = g.Sum(s => PaperlessRules.SheetsSaved(bodies[s.BodyId].Baselines, s.HeldOn, s.Attendees, s.SheetsPrinted));
            return new PaperlessYear(g.Key, executive.Count, PaperlessRules.Rate(executive, Paperless), manager.Count, PaperlessRules.Rate(manager, Paperless),
                assembly.Count, PaperlessRules.Rate(assembly, Paperless), PaperlessRules.Rate(assembly, s => s.TabletsUsed), Math.Round(sheets, 0, MidpointRounding.AwayFromZero), g.Count());
        }).ToList();
    }

    /// <summary>
    /// 紙の削減量 per fiscal year, oldest first: every year with recorded paper use or sessions, and always the baseline year
    /// FY2019. Reduction = FY2019's use − the year's (<see cref="PaperlessRules.PaperReduction"/>); the meetings' sheets saved
    /// are its breakdown (「うち会議のペーパーレス化による削減」).
    /// </summary>
    public async Task<IReadOnlyList<PaperUseYear>> PaperUseAsync(CancellationToken ct) => PaperUse(await ComputeAsync(ct),
        await db.PaperUse.AsNoTracking().ToListAsync(ct));

    private static IReadOnlyList<PaperUseYear> PaperUse(IReadOnlyList<PaperlessYear> meetings, IReadOnlyList<OfficePaperUse> records)
    {
        var byYear = records.ToDictionary(r => r.FiscalYear);
        long? baseline = byYear.TryGetValue(PaperlessRules.PaperUseBaselineYear, out var b) ? b.SheetsUsed : null;
        return records.Select(r => r.FiscalYear).Concat(meetings.Select(m => m.Year.StartYear)).Append(PaperlessRules.PaperUseBaselineYear)
            .Distinct().Order().Select(y =>
            {
                var record = byYear.GetValueOrDefault(y);
                long? used = record?.SheetsUsed;
                return new PaperUseYear(new FiscalYear(y), used, baseline,
                    y == PaperlessRules.PaperUseBaselineYear ? null : PaperlessRules.PaperReduction(baseline, used),
                    y == PaperlessRules.PaperUseBaselineYear ? null : PaperlessRules.PaperUseChange(baseline, used),
                    meetings.FirstOrDefault(m => m.Year.StartYear == y)?.SheetsSaved,
                    record is null ? null : new PaperUseRecord(record.FiscalYear, record.SheetsUsed, record.SourceNote,
                        Intranet.Shared.Web.Fmt.Actor(record.RecordedBy), record.RecordedAt, record.Version));
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

    /// <summary>
    /// The nightly safety net: rebuilds the maintained tallies from every session (<see cref="PaperlessTallies.RebuildAsync"/>,
    /// which also gives the change stamp a new value), so the aggregates cached on every host (<see cref="PaperlessReadCache"/>)
    /// are computed again from the rows even after a change that bypassed the write paths, then <see cref="PublishAsync"/>.
    /// </summary>
    public async Task<ReportMetricsResult?> RecomputeAndPublishAsync(CancellationToken ct)
    {
        await tallies.RebuildAsync(ct);   // renews the change stamp too
        return await PublishAsync(ct);
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
        var meetings = await ComputeAsync(ct);
        foreach (var y in meetings.Where(y => y.Year.StartYear >= first && y.Year.StartYear <= last))
        {
            void Add(string key, decimal? value, string unit)
            {
                if (value is { } v) values.Add(new MetricValue(key, y.Year.StartYear, v, unit, now));
            }
            Add(MetricKeys.PaperlessExecutiveMeetingRate, y.ExecutiveRate, "%");
            Add(MetricKeys.PaperlessManagerMeetingRate, y.ManagerRate, "%");
            Add(MetricKeys.PaperlessAssemblyMeetingRate, y.AssemblyRate, "%");
            Add(MetricKeys.PaperlessAssemblyTabletRate, y.AssemblyTabletRate, "%");
        }
        // 2-2-(2)-1 紙の削減量: FY2019's office-wide use − the year's, only where both are recorded (never the meetings' share alone).
        foreach (var y in PaperUse(meetings, await db.PaperUse.AsNoTracking().ToListAsync(ct)))
        {
            if (y.Reduction is { } reduction && y.Year.StartYear >= first && y.Year.StartYear <= last)
                values.Add(new MetricValue(MetricKeys.PaperlessSheetsSaved, y.Year.StartYear, reduction, "枚", now));
        }
        // A full recompute: a category left without sessions in a year has its old rate withdrawn.
        return await mediator.Send(new ReportMetrics(PaperlessModuleInfo.DisplayName, values, Definitions.Select(d => d.Key).ToList()), ct);
    }
}
