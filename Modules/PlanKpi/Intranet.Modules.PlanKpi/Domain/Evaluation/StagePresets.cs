using Intranet.Shared.Security;

namespace Intranet.Modules.PlanKpi.Domain.Evaluation;

/// <summary>A ready-made sequence of stages a plan office can start from.</summary>
/// <param name="Code">Stable identifier, e.g. <c>hadano</c>.</param>
/// <param name="Name">Japanese name shown in the preset select.</param>
/// <param name="Source">Where the stages come from (seed file and section).</param>
/// <param name="Stages">The stages in order (ids and plan are set when installed).</param>
public sealed record StagePreset(string Code, string Name, string Source, IReadOnlyList<EvaluationStageDefinition> Stages);

/// <summary>
/// The stage presets that ship with the suite (issue #10). Deadlines are month/day of the fiscal year after the evaluated
/// one; the seeds give months, the days are the months' ends.
/// </summary>
public static class StagePresets
{
    /// <summary>
    /// Hadano (seed <c>001_…txt</c>): the 秦野市ICT推進会議 assesses progress every year through its 幹事会 and 本部会, and
    /// the 情報化推進委員会 (outside members) gives its opinion: 自己評価 → 幹事会 → 委員会の意見 → 本部会 (decision).
    /// </summary>
    public static StagePreset Hadano { get; } = new("hadano", "秦野市 (自己評価 → 幹事会 → 情報化推進委員会 → 本部会)", "001_…txt (推進体制)",
    [
        Stage(1, "自己評価", EvaluatorKind.LeadDepartment, null, null, 6, 30),
        Stage(2, "幹事会", EvaluatorKind.Body, null, "秦野市ICT推進会議 幹事会", 8, 31),
        Stage(3, "情報化推進委員会の意見", EvaluatorKind.Body, null, "秦野市情報化推進委員会", 9, 30, recordsGrade: false),
        Stage(4, "本部会", EvaluatorKind.Body, null, "秦野市ICT推進会議 本部会", 10, 31),
    ]);

    /// <summary>
    /// Chigasaki (seed <c>002_…txt</c> 第4章): 進捗状況調査 with self-evaluation (June–July), academic experts
    /// (July–August), the 地域情報化部会 (September), the 電子市役所推進本部 幹事会 and 本部会議 (September–October, decision).
    /// </summary>
    public static StagePreset Chigasaki { get; } = new("chigasaki", "茅ヶ崎市 (自己評価 → 学識経験者 → 部会 → 幹事会 → 本部会議)", "002_…txt 第4章",
    [
        Stage(1, "自己評価 (進捗状況調査)", EvaluatorKind.LeadDepartment, null, null, 7, 31),
        Stage(2, "学識経験者評価", EvaluatorKind.Role, Roles.Reviewer, null, 8, 31, StageVisibility.SelfEvaluationOnly),
        Stage(3, "地域情報化部会", EvaluatorKind.Body, null, "地域情報化部会", 9, 20),
        Stage(4, "電子市役所推進本部 幹事会", EvaluatorKind.Body, null, "電子市役所推進本部 幹事会", 9, 30),
        Stage(5, "電子市役所推進本部 本部会議", EvaluatorKind.Body, null, "電子市役所推進本部 本部会議", 10, 31),
    ]);

    /// <summary>Every preset, in display order.</summary>
    public static IReadOnlyList<StagePreset> All { get; } = [Hadano, Chigasaki];

    /// <summary>The preset for a bundled plan (by its code's city prefix), or Hadano's as a general default.</summary>
    public static StagePreset For(string planCode) => planCode.StartsWith("chigasaki", StringComparison.Ordinal) ? Chigasaki : Hadano;

    private static EvaluationStageDefinition Stage(int order, string name, EvaluatorKind evaluator, string? role, string? body, int month, int day,
        StageVisibility visibility = StageVisibility.AllEarlierStages, bool recordsGrade = true) => new()
    {
        Order = order, Name = name, Evaluator = evaluator, Role = role, BodyName = body, DeadlineMonth = month, DeadlineDay = day,
        Visibility = visibility, RecordsGrade = recordsGrade,
    };
}
