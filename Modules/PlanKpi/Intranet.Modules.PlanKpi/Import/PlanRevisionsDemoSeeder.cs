using Intranet.Modules.PlanKpi.Data;
using Intranet.Modules.PlanKpi.Domain;
using Intranet.Modules.PlanKpi.UseCases;
using Intranet.Shared.Modules;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.PlanKpi.Import;

/// <summary>
/// <c>seed-demo</c>: two demo revisions of the Hadano plan, recorded through <see cref="RecordPlanRevision"/> (so the rules
/// apply) and labelled 「デモデータ」: the 中間見直し effective 令和5年度 that seed 001 announces (two targets adjusted) and a
/// 年次見直し effective 令和6年度 (a project ended, one target changed). The figures are invented for the demonstration, not
/// taken from Hadano. Skipped when the plan already has a revision or is missing.
/// </summary>
internal sealed class PlanRevisionsDemoSeeder(IMediator mediator, PlanKpiDbContext db) : IDemoDataSeeder
{
    private const string Plan = "hadano-ict-2021";

    public int Order => 1;

    public async Task<string> SeedAsync(CancellationToken ct)
    {
        var plan = await db.Plans.AsNoTracking().SingleOrDefaultAsync(p => p.Code == Plan, ct);
        if (plan is null || await db.PlanRevisions.AnyAsync(r => r.PlanId == plan.Id, ct))
            return "計画KPI: デモの計画見直しを0件登録しました。";

        await mediator.Send(new RecordPlanRevision(Plan, RevisionKind.MidTerm, 2023, "令和5年度 中間見直し (デモデータ)",
            "計画の中間年度として、事業推進計画と指標の目標値を見直しました (デモデータ: 実際の見直し内容ではありません)。",
        [
            new(RevisionChangeKind.TargetChanged, "2-5-(1)", "令和4年度までの研修受講状況を踏まえ、現実的な水準に修正 (デモデータ)",
                IndicatorCode: "2-5-(1)-1", FiscalYear: 2024, TargetValue: 65m, TargetText: "65%以上"),
            new(RevisionChangeKind.TargetChanged, "1-3-(5)", "支援対象の児童生徒数の増加を踏まえ修正 (デモデータ)",
                IndicatorCode: "1-3-(5)-1", FiscalYear: 2024, TargetValue: 50m, TargetText: "50%"),
            new(RevisionChangeKind.TargetChanged, "1-3-(5)", "支援対象の児童生徒数の増加を踏まえ修正 (デモデータ)",
                IndicatorCode: "1-3-(5)-1", FiscalYear: 2025, TargetValue: 60m, TargetText: "60%"),
        ]), ct);
        await mediator.Send(new RecordPlanRevision(Plan, RevisionKind.Yearly, 2024, "令和6年度 個別事業の見直し (デモデータ)",
            "令和5年度の進行状況の評価を踏まえ、個別事業を見直しました (デモデータ: 実際の見直し内容ではありません)。",
        [
            new(RevisionChangeKind.ProjectEnded, "1-3-(4)", "検討の結果、電子書籍の導入を見送ったため事業を終了 (デモデータ)"),
            new(RevisionChangeKind.TargetChanged, "3-1-(1)", "公開候補のデータが増えたため上方修正 (デモデータ)",
                IndicatorCode: "3-1-(1)-2", FiscalYear: 2025, TargetValue: 2m, TargetText: "2データ"),
        ]), ct);
        return "計画KPI: デモの計画見直しを2件登録しました (はだのICT活用推進計画: 令和5年度 中間見直し、令和6年度 年次見直し)。";
    }
}
