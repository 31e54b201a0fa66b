using Intranet.Modules.PlanKpi.Domain.Evaluation;
using Intranet.Shared.Modules;
using Intranet.Shared.Web;
using MediatR;

namespace Intranet.Modules.PlanKpi.UseCases.Evaluation;

/// <summary>
/// <c>seed-demo</c> (issue #10): the Hadano plan's FY2023 round run to the end through the use cases (every stage closed,
/// grades spread over A–D, two sheets returned once and resubmitted, decisions recorded), and the FY2024 round open in its
/// self-evaluation stage with some sheets submitted, some in draft and the rest not started. Every text says デモデータ.
/// Runs after the modules' demo data (their figures are in the FY2023 actuals it locks). A round that exists is left alone.
/// </summary>
internal sealed class DemoEvaluationSeeder(IMediator mediator) : IDemoDataSeeder
{
    /// <summary>The plan the demo rounds belong to.</summary>
    public const string PlanCode = "hadano-ict-2021";

    /// <summary>Grades given where the indicators suggest none, in turn, so that every grade occurs.</summary>
    private static readonly Grade[] Spread = [Grade.B, Grade.A, Grade.C, Grade.B, Grade.D, Grade.B];

    public int Order => 100;

    public async Task<string> SeedAsync(CancellationToken ct)
    {
        var overview = await mediator.Send(new ListEvaluationRounds(), ct);
        var openable = overview.Openable.FirstOrDefault(o => o.PlanCode == PlanCode);
        if (openable is null) return "評価: デモの評価はすでにあります。";
        var done = new List<string>();
        if (openable.Years.Contains(2023)) { await FinishedRoundAsync(2023, ct); done.Add($"{Fmt.Year(2023)} (確定)"); }
        if (openable.Years.Contains(2024)) { await OpenRoundAsync(2024, ct); done.Add($"{Fmt.Year(2024)} (自己評価中)"); }
        return done.Count == 0 ? "評価: デモの評価はすでにあります。" : $"評価: はだのICT活用推進計画の評価を登録しました: {string.Join("、", done)}。";
    }

    private async Task FinishedRoundAsync(int year, CancellationToken ct)
    {
        var round = await mediator.Send(new OpenEvaluationRound(PlanCode, year), ct);
        var returned = new[] { round.Sheets[3].ProjectCode, round.Sheets[10].ProjectCode };
        var grades = new Dictionary<string, Grade>();
        for (var i = 0; i < round.Sheets.Count; i++)
        {
            var row = round.Sheets[i];
            var grade = row.Suggested.Grade ?? Spread[i % Spread.Length];
            grades[row.ProjectCode] = grade;
            var sheet = await mediator.Send(new SaveSelfEvaluation(PlanCode, year, row.ProjectCode, Self(row.ProjectName, year, grade, i), true, row.SheetVersion), ct);
            if (!returned.Contains(row.ProjectCode)) continue;
            sheet = await mediator.Send(new ReturnEvaluationSheet(PlanCode, year, row.ProjectCode,
                "取組実績に件数などの具体的な数字を記載してください (デモデータ)。", sheet.Version), ct);
            await mediator.Send(new SaveSelfEvaluation(PlanCode, year, row.ProjectCode,
                Self(row.ProjectName, year, grade, i) with { Achievements = $"{row.ProjectName}: 計画どおり{4 + i % 5}件の取組を実施した (デモデータ)。" },
                true, sheet.Version), ct);
        }
        round = await Close(year, 1, ct);
        foreach (var stage in round.Stages.Where(s => s.Order > 1))
        {
            var rows = round.Sheets.Select((s, i) => new ReviewInput(s.ProjectCode,
                stage.RecordsGrade ? Review(grades[s.ProjectCode], stage.Order, i) : null,
                Comment(stage, i),
                stage.IsLast ? Decision(grades[s.ProjectCode], i) : null, null)).ToList();
            await mediator.Send(new RecordEvaluationReviews(PlanCode, year, stage.Order, rows), ct);
            round = await Close(year, stage.Order, ct);
        }
    }

    private async Task OpenRoundAsync(int year, CancellationToken ct)
    {
        var round = await mediator.Send(new OpenEvaluationRound(PlanCode, year), ct);
        for (var i = 0; i < round.Sheets.Count; i++)
        {
            var row = round.Sheets[i];
            if (i % 3 == 2) continue;                                   // not started
            var grade = row.Suggested.Grade ?? Spread[i % Spread.Length];
            await mediator.Send(new SaveSelfEvaluation(PlanCode, year, row.ProjectCode, Self(row.ProjectName, year, grade, i), i % 3 == 0, row.SheetVersion), ct);
        }
    }

    private async Task<RoundView> Close(int year, int stage, CancellationToken ct)
    {
        var round = await mediator.Send(new GetEvaluationRound(PlanCode, year), ct);
        return await mediator.Send(new CloseEvaluationStage(PlanCode, year, stage, round.RoundVersion), ct);
    }

    private static SelfEvaluationInput Self(string name, int year, Grade grade, int i) => new(
        $"{name}: {Fmt.Year(year)}の取組を年度計画に沿って進めた (デモデータ)。",
        grade,
        grade is Grade.A ? null : "対象の拡大と庁内への周知が課題 (デモデータ)。",
        grade switch { Grade.A => ProjectDirection.Expand, Grade.D => ProjectDirection.Revise, _ => ProjectDirection.Continue },
        500 + i * 137 % 4500,
        Math.Round(0.1m + i % 8 * 0.2m, 1));

    /// <summary>A later stage mostly agrees; now and then it grades one step differently.</summary>
    private static Grade Review(Grade self, int stage, int i) => (i + stage) % 7 == 0 && self != Grade.A ? self - 1 : self;

    private static string? Comment(StageInfo stage, int i) => i % 4 == 0 ? $"{stage.Name}: 取組の継続を確認した (デモデータ)。" : null;

    private static ProjectDirection Decision(Grade grade, int i) => i % 11 == 5 ? ProjectDirection.Complete : grade switch
    {
        Grade.A => ProjectDirection.Expand,
        Grade.D => ProjectDirection.Revise,
        _ => ProjectDirection.Continue,
    };
}
