using Intranet.Modules.PlanKpi.Domain.Evaluation;
using Intranet.Modules.PlanKpi.Pages.Evaluation;
using Intranet.Modules.PlanKpi.UseCases.Evaluation;
using Intranet.Shared.Messaging;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Radzen;
using Radzen.Blazor;

namespace Intranet.ComponentTests;

/// <summary>
/// The evaluation pages' pieces that carry logic (issue #10): the suggested-grade note (mismatch visible), the
/// self-evaluation form (buttons only when the use case allows editing, the use case's field errors at the fields), and the
/// stage definitions editor (add, move, remove with confirmation, install a preset, save after confirmation, read-only).
/// </summary>
public sealed class EvaluationComponentTests : BunitContext
{
    public EvaluationComponentTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddRadzenComponents();
    }

    private static readonly SuggestedGrade SuggestsB = new(Grade.B, "数値目標のある指標2件のうち1件が達成、平均達成率90.0%", 2, 1);

    [Fact]
    public void The_note_shows_a_mismatch_only_when_the_department_grade_differs()
    {
        var differs = Render<SuggestedGradeNote>(p => p.Add(c => c.Suggested, SuggestsB).Add(c => c.DepartmentGrade, Grade.A));
        Assert.Contains("B (ある程度達成)", differs.Markup);
        Assert.Contains("平均達成率90.0%", differs.Markup);
        Assert.Contains("主管課の評価 (A) は指標からの目安 (B) と異なります", differs.Find(".eval-mismatch").TextContent);

        var same = Render<SuggestedGradeNote>(p => p.Add(c => c.Suggested, SuggestsB).Add(c => c.DepartmentGrade, Grade.B));
        Assert.Empty(same.FindAll(".eval-mismatch"));
        var none = Render<SuggestedGradeNote>(p => p.Add(c => c.Suggested, new SuggestedGrade(null, "評価指標がないため、数値からの目安はありません。", 0, 0))
            .Add(c => c.DepartmentGrade, Grade.D));
        Assert.Empty(none.FindAll(".eval-mismatch"));
        Assert.Contains("指標からの目安: なし", none.Markup);
    }

    private static SelfEvaluationDraft Draft() => new()
    {
        PlanCode = "hadano-ict-2021", FiscalYear = 2023, ProjectCode = "1-2-(1)", Achievements = "SNSの定期発信を行った。", Grade = Grade.C,
        NextYear = ProjectDirection.Continue, CostThousandYen = 1200, StaffEffort = 0.5m,
    };

    [Fact]
    public void The_form_offers_draft_and_submit_only_when_editable_and_reports_which_button()
    {
        var pressed = new List<bool>();
        var editable = Render<SelfEvaluationForm>(p => p.Add(c => c.Draft, Draft()).Add(c => c.CanEdit, true)
            .Add(c => c.OnSave, EventCallback.Factory.Create<bool>(this, b => pressed.Add(b))));
        Assert.Equal(4, editable.FindAll("input[type=radio]").Count);
        Assert.Contains("あまり達成していない", editable.Find("label[for=Grade-C]").TextContent);
        Assert.Equal("Achievements", editable.Find("textarea#Achievements").Id);
        editable.Find("#self-save").Click();
        editable.Find("#self-submit").Click();
        Assert.Equal([false, true], pressed);

        var readOnly = Render<SelfEvaluationForm>(p => p.Add(c => c.Draft, Draft()).Add(c => c.CanEdit, false));
        Assert.Empty(readOnly.FindAll("#self-save"));
        Assert.Empty(readOnly.FindAll("#self-submit"));
        Assert.Empty(readOnly.FindAll("input, textarea, select"));
        Assert.Contains("C (あまり達成していない)", readOnly.Markup);
        Assert.Contains("継続", readOnly.Markup);
        Assert.Contains("1,200千円", readOnly.Markup);
    }

    [Fact]
    public void Choosing_a_grade_updates_the_draft_and_tells_the_page()
    {
        var draft = Draft();
        var changes = 0;
        var cut = Render<SelfEvaluationForm>(p => p.Add(c => c.Draft, draft).Add(c => c.CanEdit, true)
            .Add(c => c.OnChange, EventCallback.Factory.Create(this, () => changes++)));
        cut.Find("#Grade-A").Change("A");
        Assert.Equal(Grade.A, draft.Grade);
        Assert.Equal(1, changes);
    }

    [Fact]
    public void The_use_cases_field_errors_appear_at_the_fields_and_in_the_summary()
    {
        IReadOnlyList<FieldError> errors =
        [
            new(nameof(SelfEvaluationInput.Grade), "評価 (A〜D) を選んでください。"),
            new("", "他の利用者が先に保存しました。"),
        ];
        var cut = Render<SelfEvaluationForm>(p => p.Add(c => c.Draft, Draft()).Add(c => c.CanEdit, true).Add(c => c.Errors, errors));
        var summary = cut.Find(".form-error-summary");
        Assert.Contains("他の利用者が先に保存しました。", summary.TextContent);
        Assert.Equal("#Grade-A", summary.QuerySelector("a")!.GetAttribute("href"));
        Assert.Contains("評価 (A〜D) を選んでください。", cut.Find(".eval-grades .validation-message").TextContent);
    }

    [Fact]
    public void The_draft_shows_stored_numbers_as_typed_without_the_database_scale()
    {
        var sheet = new SheetView
        {
            PlanCode = "p", PlanTitle = "計画", FiscalYear = 2023, ProjectCode = "1", ProjectName = "事業", MeasureCode = "1-1",
            LeadDepartments = ["企画課"], Status = SheetStatus.Draft,
            Self = new SelfEvaluationInput("実績", Grade.B, null, ProjectDirection.Continue, 1500.0000m, 0.3000m),
            SubmittedAt = null, SubmittedBy = null, ReturnComment = null, ReturnCount = 0, Version = Guid.NewGuid(), Indicators = [],
            Suggested = SuggestsB, Stages = [], Results = [], History = [], IsClosed = false, CanEditSelf = true, CanReturn = false,
            CanReview = false, CanCorrect = false,
        };
        var draft = SelfEvaluationDraft.From(sheet);
        Assert.Equal(("1500", "0.3"), (draft.CostThousandYen!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
            draft.StaffEffort!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    private static readonly IReadOnlyList<KeyValuePair<string, string>> Presets =
        StagePresets.All.Select(p => KeyValuePair.Create(p.Code, p.Name)).ToList();

    [Fact]
    public async Task The_stage_editor_installs_a_preset_moves_and_removes_rows_and_saves_after_confirmation()
    {
        var dialog = Render<RadzenDialog>();
        IReadOnlyList<StageDefinitionInput>? saved = null;
        var cut = Render<StageEditor>(p => p.Add(c => c.Stages, Array.Empty<StageDefinitionInput>()).Add(c => c.Presets, Presets)
            .Add(c => c.CanEdit, true).Add(c => c.OnSave, EventCallback.Factory.Create<IReadOnlyList<StageDefinitionInput>>(this, s => saved = s)));
        Assert.Contains("評価の段階はまだ設定されていません", cut.Markup);

        cut.Find("#stage-install").Click();                                        // no rows yet: installs without asking
        Assert.Equal(["自己評価", "幹事会", "情報化推進委員会の意見", "本部会"], cut.Instance.Rows.Select(r => r.Name));
        Assert.Equal("秦野市ICT推進会議 幹事会", cut.Find("#stage-body-1").GetAttribute("value"));

        cut.FindAll("button").First(b => b.GetAttribute("aria-label") == "段階3を上へ").Click();
        Assert.Equal(["自己評価", "情報化推進委員会の意見", "幹事会", "本部会"], cut.Instance.Rows.Select(r => r.Name));

        var remove = cut.InvokeAsync(() => cut.FindAll("button").First(b => b.GetAttribute("aria-label") == "段階2を削除").Click());
        dialog.WaitForAssertion(() => Assert.Contains("段階「情報化推進委員会の意見」を削除します", dialog.Markup));
        await dialog.InvokeAsync(() => dialog.FindAll("button").Single(b => b.TextContent.Contains("削除する")).Click());
        await remove;
        cut.WaitForAssertion(() => Assert.Equal(["自己評価", "幹事会", "本部会"], cut.Instance.Rows.Select(r => r.Name)));

        cut.Find("#stage-add").Click();
        cut.Find("#stage-name-3").Change("外部評価");
        cut.Find("#stage-evaluator-3").Change(nameof(EvaluatorKind.Role));
        cut.Find("#stage-role-3").Change(Intranet.Shared.Security.Roles.Reviewer);

        var save = cut.InvokeAsync(() => cut.Find("#stage-save").Click());
        dialog.WaitForAssertion(() => Assert.Contains("評価の段階 4件を保存します", dialog.Markup));
        await dialog.InvokeAsync(() => dialog.FindAll("button").Single(b => b.TextContent.Contains("保存する")).Click());
        await save;
        cut.WaitForAssertion(() => Assert.NotNull(saved));
        Assert.Equal(4, saved!.Count);
        Assert.Equal(new StageDefinitionInput("外部評価", EvaluatorKind.Role, Intranet.Shared.Security.Roles.Reviewer, null,
            StageVisibility.AllEarlierStages, true, 9, 30), saved[3]);
    }

    [Fact]
    public void The_stage_editor_is_read_only_for_others()
    {
        var stages = StagePresets.Hadano.Stages.Select(s => new StageDefinitionInput(s.Name, s.Evaluator, s.Role, s.BodyName, s.Visibility,
            s.RecordsGrade, s.DeadlineMonth, s.DeadlineDay)).ToList();
        var cut = Render<StageEditor>(p => p.Add(c => c.Stages, stages).Add(c => c.Presets, Presets).Add(c => c.CanEdit, false));
        Assert.Empty(cut.FindAll("input, select, button"));
        Assert.Contains("事務局が記録 (秦野市ICT推進会議 本部会)", cut.Markup);
        Assert.Contains("意見のみ", cut.Markup);
        Assert.Contains("10月31日", cut.Markup);
    }
}
