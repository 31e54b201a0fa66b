using Intranet.Modules.PlanKpi.Contracts;
using Intranet.Modules.PlanKpi.Data;
using Intranet.Modules.PlanKpi.Domain;
using Intranet.Shared.Messaging;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.PlanKpi.UseCases;

/// <summary>
/// Stores figures fed by modules (<see cref="ReportMetrics"/>) and announces the actuals this changed
/// for every indicator bound to the key.
/// </summary>
internal sealed class ReportMetricsHandler(PlanKpiDbContext db, IEnumerable<MetricDefinition> definitions, IMediator mediator)
    : IRequestHandler<ReportMetrics, ReportMetricsResult>
{
    public async Task<ReportMetricsResult> Handle(ReportMetrics request, CancellationToken ct)
    {
        var defs = definitions.GroupBy(d => d.Key).ToDictionary(g => g.Key, g => g.First());
        var errors = new List<FieldError>();
        for (var i = 0; i < request.Values.Count; i++)
        {
            var v = request.Values[i];
            var field = $"Values[{i}]";
            if (!defs.TryGetValue(v.Key, out var def)) { errors.Add(new(field, $"指標キー {v.Key} は登録されていません。")); continue; }
            if (def.SourceModule != request.SourceModule) errors.Add(new(field, $"指標キー {v.Key} の連携元は {def.SourceModule} です。"));
            if (def.Unit != v.Unit) errors.Add(new(field, $"指標キー {v.Key} の単位は {def.Unit} です ({v.Unit} が報告されました)。"));
            if (v.FiscalYear is < 2000 or > 2100) errors.Add(new(field, $"年度 {v.FiscalYear} は範囲外です。"));
        }
        if (request.Values.GroupBy(v => (v.Key, v.FiscalYear)).Any(g => g.Count() > 1))
            errors.Add(new("Values", "同じ指標キーと年度の値が複数あります。"));
        foreach (var key in request.CompleteKeys ?? [])
        {
            if (!defs.TryGetValue(key, out var def) || def.SourceModule != request.SourceModule)
                errors.Add(new("CompleteKeys", $"指標キー {key} の連携元は {request.SourceModule} ではありません。"));
        }
        if (errors.Count > 0) throw new RequestValidationException(errors);

        try
        {
            return await StoreAsync(request, ct);
        }
        catch (DbUpdateException)
        {
            // Two reports of the same key raced (unique index, or a deadlock on PostgreSQL): the later one
            // reads the new state and applies again; values are idempotent.
            db.ChangeTracker.Clear();
            return await StoreAsync(request, ct);
        }
    }

    private async Task<ReportMetricsResult> StoreAsync(ReportMetrics request, CancellationToken ct)
    {
        var keys = request.Values.Select(v => v.Key).Concat(request.CompleteKeys ?? []).Distinct().ToList();
        var stored = await db.MetricValues.Where(v => keys.Contains(v.Key)).ToListAsync(ct);
        // A year whose evaluation round has closed keeps the figure it was evaluated with (issue #10, locking).
        var locked = await Domain.Evaluation.EvaluationLocks.LockedFeedsAsync(db, keys, ct);
        var changed = new List<MetricValue>();
        foreach (var v in request.Values)
        {
            if (locked.Contains((v.Key, v.FiscalYear))) continue;
            var row = stored.FirstOrDefault(s => s.Key == v.Key && s.FiscalYear == v.FiscalYear);
            if (row is not null && row.Value == v.Value && row.Unit == v.Unit) continue;
            if (row is null)
            {
                row = new FedMetricValue { Key = v.Key, FiscalYear = v.FiscalYear };
                db.MetricValues.Add(row);
            }
            row.Value = v.Value;
            row.Unit = v.Unit;
            row.SourceModule = request.SourceModule;
            row.MeasuredAt = v.MeasuredAt.ToUniversalTime();
            changed.Add(v);
        }
        var withdrawn = stored.Where(s => (request.CompleteKeys ?? []).Contains(s.Key)
                                          && !locked.Contains((s.Key, s.FiscalYear))
                                          && !request.Values.Any(v => v.Key == s.Key && v.FiscalYear == s.FiscalYear)).ToList();
        db.MetricValues.RemoveRange(withdrawn);
        if (changed.Count == 0 && withdrawn.Count == 0) return new ReportMetricsResult(0, request.Values.Count);
        await db.SaveChangesAsync(ct);

        var changedKeys = changed.Select(c => c.Key).Concat(withdrawn.Select(w => w.Key)).Distinct().ToList();
        var bound = await db.Indicators.AsNoTracking().Where(i => i.MetricKey != null && changedKeys.Contains(i.MetricKey))
            .Join(db.Plans, i => i.PlanId, p => p.Id, (i, p) => new { i.Code, i.MetricKey, PlanCode = p.Code })
            .ToListAsync(ct);
        foreach (var c in changed)
        {
            foreach (var b in bound.Where(b => b.MetricKey == c.Key))
                await mediator.Publish(new IndicatorActualChanged(b.PlanCode, b.Code, c.FiscalYear, c.Value, request.SourceModule), ct);
        }
        foreach (var w in withdrawn)
        {
            foreach (var b in bound.Where(b => b.MetricKey == w.Key))
                await mediator.Publish(new IndicatorActualChanged(b.PlanCode, b.Code, w.FiscalYear, null, request.SourceModule), ct);
        }
        return new ReportMetricsResult(changed.Count, request.Values.Count - changed.Count);
    }
}
