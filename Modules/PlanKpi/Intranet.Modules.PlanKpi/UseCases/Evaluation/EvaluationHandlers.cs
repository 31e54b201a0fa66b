using Intranet.Modules.PlanKpi.Contracts;
using Intranet.Modules.PlanKpi.Data;
using Intranet.Modules.PlanKpi.Domain;
using Intranet.Modules.PlanKpi.Domain.Evaluation;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using Intranet.Shared.Time;
using Intranet.Shared.Web;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.PlanKpi.UseCases.Evaluation;

internal sealed class EvaluationHandlers(PlanKpiDbContext db, ICurrentUser user, TimeProvider clock, IEnumerable<MetricDefinition> definitions,
    ActualRecorder recorder)
    : IRequestHandler<ListEvaluationRounds, EvaluationOverview>,
      IRequestHandler<GetEvaluationRound, RoundView>,
      IRequestHandler<GetEvaluationSheet, SheetView>,
      IRequestHandler<OpenEvaluationRound, RoundView>,
      IRequestHandler<SaveSelfEvaluation, SheetView>,
      IRequestHandler<ReturnEvaluationSheet, SheetView>,
      IRequestHandler<RecordEvaluationReviews, int>,
      IRequestHandler<CloseEvaluationStage, RoundView>,
      IRequestHandler<CorrectEvaluation, SheetView>,
      IRequestHandler<CorrectLockedActual, SheetView>
{
    // ---------------------------------------------------------------- queries

    public async Task<EvaluationOverview> Handle(ListEvaluationRounds request, CancellationToken ct)
    {
        var plans = await db.Plans.AsNoTracking().OrderBy(p => p.SortOrder).ThenBy(p => p.Code).ToListAsync(ct);
        var rounds = await db.EvaluationRoundsWithSheets().AsNoTracking().ToListAsync(ct);
        var summaries = new List<RoundSummary>();
        foreach (var round in rounds.OrderByDescending(r => r.FiscalYear).ThenBy(r => plans.FindIndex(p => p.Id == r.PlanId)))
        {
            if (!EvaluationRules.CanSeeRound(user, round.Stages)) continue;
            var plan = plans.Single(p => p.Id == round.PlanId);
            var sheets = VisibleSheets(round).ToList();
            var current = round.Stages.Single(s => s.Order == round.CurrentStage);
            summaries.Add(new RoundSummary(plan.Code, plan.Title, round.FiscalYear, Info(round, current), round.Stages.Count, sheets.Count,
                sheets.Count(s => s.Status == SheetStatus.Submitted), round.IsClosed, sheets.Count(s => WaitsForUser(round, current, s))));
        }
        var openable = new List<OpenableRound>();
        if (EvaluationRules.IsSecretariat(user))
        {
            var defined = await db.EvaluationStageDefinitions.AsNoTracking().Select(d => d.PlanId).Distinct().ToListAsync(ct);
            foreach (var plan in plans)
            {
                var years = Enumerable.Range(plan.FirstFiscalYear, plan.LastFiscalYear - plan.FirstFiscalYear + 1)
                    .Where(y => !rounds.Any(r => r.PlanId == plan.Id && r.FiscalYear == y)).ToList();
                if (years.Count > 0)
                    openable.Add(new OpenableRound(plan.Code, plan.Title, years, defined.Contains(plan.Id), StagePresets.For(plan.Code).Code));
            }
        }
        return new EvaluationOverview(summaries, openable, StagePresets.All.Select(p => KeyValuePair.Create(p.Code, p.Name)).ToList());
    }

    public async Task<RoundView> Handle(GetEvaluationRound request, CancellationToken ct)
    {
        var (plan, round) = await LoadRoundAsync(request.PlanCode, request.FiscalYear, tracked: false, ct);
        return await RoundViewAsync(plan, round, ct);
    }

    public async Task<SheetView> Handle(GetEvaluationSheet request, CancellationToken ct)
    {
        var (plan, round) = await LoadRoundAsync(request.PlanCode, request.FiscalYear, tracked: false, ct);
        var sheet = SheetOf(round, request.ProjectCode);
        return await SheetViewAsync(plan, round, sheet, ct);
    }

    // ---------------------------------------------------------------- commands

    public async Task<RoundView> Handle(OpenEvaluationRound request, CancellationToken ct)
    {
        var plan = await db.Plans.AsNoTracking().SingleOrDefaultAsync(p => p.Code == request.PlanCode, ct)
            ?? throw new NotFoundException($"計画 {request.PlanCode} は登録されていません。");
        if (request.FiscalYear < plan.FirstFiscalYear || request.FiscalYear > plan.LastFiscalYear)
            throw new RequestValidationException(nameof(OpenEvaluationRound.FiscalYear),
                $"{Fmt.Year(request.FiscalYear)} は計画期間 ({Fmt.Year(plan.FirstFiscalYear)}〜{Fmt.Year(plan.LastFiscalYear)}) の外です。");
        if (await db.EvaluationRounds.AnyAsync(r => r.PlanId == plan.Id && r.FiscalYear == request.FiscalYear, ct))
            throw new RequestValidationException(nameof(OpenEvaluationRound.FiscalYear), $"{Fmt.Year(request.FiscalYear)} の評価はすでに開始されています。");

        var definitions = await db.EvaluationStageDefinitions.Where(d => d.PlanId == plan.Id).OrderBy(d => d.Order).ToListAsync(ct);
        if (definitions.Count == 0)
        {
            var preset = request.PresetCode is null ? StagePresets.For(plan.Code)
                : StagePresets.All.FirstOrDefault(p => p.Code == request.PresetCode)
                  ?? throw new RequestValidationException(nameof(OpenEvaluationRound.PresetCode), $"段階のひな形 {request.PresetCode} はありません。");
            definitions = preset.Stages.Select(s => Copy(s, plan.Id)).ToList();
            db.EvaluationStageDefinitions.AddRange(definitions);
        }
        var reviewers = (request.Reviewers ?? []).Select(r => r.Trim()).Where(r => r.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

        var round = new EvaluationRound
        {
            PlanId = plan.Id, FiscalYear = request.FiscalYear, CurrentStage = 1, OpenedAt = clock.GetUtcNow(), OpenedBy = user.Name,
        };
        foreach (var d in definitions)
            round.Stages.Add(new EvaluationStage
            {
                Order = d.Order, Name = d.Name, Evaluator = d.Evaluator, Role = d.Role, BodyName = d.BodyName, Visibility = d.Visibility,
                RecordsGrade = d.RecordsGrade, Deadline = EvaluationRules.Deadline(request.FiscalYear, d.DeadlineMonth, d.DeadlineDay),
                Reviewers = d.Evaluator == EvaluatorKind.Role && d.Role == Roles.Reviewer && reviewers.Count > 0 ? string.Join('\n', reviewers) : null,
            });

        // One sheet per project, in plan order (policy, measure, placement), with the project as the plan has it now.
        var structure = await db.Policies.AsNoTracking().Where(p => p.PlanId == plan.Id)
            .Include(p => p.Measures).ThenInclude(m => m.Placements).ThenInclude(pl => pl.Project!).ThenInclude(p => p.Departments)
            .AsSplitQuery().ToListAsync(ct);
        var order = 0;
        foreach (var placement in structure.OrderBy(p => p.SortOrder).SelectMany(p => p.Measures.OrderBy(m => m.SortOrder)
                     .SelectMany(m => m.Placements.Where(pl => !pl.IsCrossListing).OrderBy(pl => pl.SortOrder).Select(pl => (pl, m)))))
        {
            var project = placement.pl.Project!;
            if (!project.IsActiveIn(request.FiscalYear)) continue;     // ended or not yet started (plan revisions)
            round.Sheets.Add(new EvaluationSheet
            {
                ProjectId = project.Id, ProjectCode = project.Code, ProjectName = project.Name, MeasureCode = placement.m.Code,
                LeadDepartments = string.Join('\n', project.Departments.Where(d => d.Role == DepartmentRole.Lead).OrderBy(d => d.SortOrder).Select(d => d.Department)),
                SortOrder = order++, Status = SheetStatus.NotStarted,
            });
        }
        if (round.Sheets.Count == 0)
            throw new RequestValidationException(nameof(OpenEvaluationRound.FiscalYear), $"{Fmt.Year(request.FiscalYear)} に実施中の事業がありません。");
        db.EvaluationRounds.Add(round);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            throw new ConcurrencyConflictException($"{Fmt.Year(request.FiscalYear)} の評価は、他の利用者が同時に開始しました。");
        }
        db.ChangeTracker.Clear();
        return await Handle(new GetEvaluationRound(plan.Code, request.FiscalYear), ct);
    }

    public async Task<SheetView> Handle(SaveSelfEvaluation request, CancellationToken ct)
    {
        var (plan, round) = await LoadRoundAsync(request.PlanCode, request.FiscalYear, tracked: true, ct);
        var sheet = SheetOf(round, request.ProjectCode);
        if (!EvaluationRules.CanSelfEvaluate(user, sheet.LeadDepartmentNames))
            throw new ForbiddenException($"この評価シートを記入できるのは、主管課 ({string.Join("、", sheet.LeadDepartmentNames)}) と計画事務局だけです。");
        if (round.IsClosed || round.CurrentStage != 1)
            throw new RequestValidationException(nameof(SaveSelfEvaluation.Input), "自己評価の段階は終了しています。修正は計画事務局に依頼してください。");
        if (sheet.Status == SheetStatus.Submitted)
            throw new RequestValidationException(nameof(SaveSelfEvaluation.Input), "この評価シートは提出済みです。修正が必要な場合は計画事務局に差戻しを依頼してください。");
        CheckVersion(sheet.Version, request.ExpectedVersion);

        var input = request.Input;
        var errors = CheckSelf(input, request.Submit);
        if (errors.Count > 0) throw new RequestValidationException(errors);

        sheet.Achievements = Clean(input.Achievements);
        sheet.Grade = input.Grade;
        sheet.Issues = Clean(input.Issues);
        sheet.NextYear = input.NextYear;
        sheet.CostThousandYen = input.CostThousandYen;
        sheet.StaffEffort = input.StaffEffort;
        var now = clock.GetUtcNow();
        if (request.Submit)
        {
            var resubmission = sheet.Status == SheetStatus.Returned;
            sheet.Status = SheetStatus.Submitted;
            sheet.SubmittedAt = now;
            sheet.SubmittedBy = user.Name;
            sheet.ReturnComment = null;
            AddEvent(sheet, EvaluationEventKind.Submitted, 1, resubmission ? "再提出" : null, now);
        }
        else
        {
            if (sheet.Status == SheetStatus.NotStarted) sheet.Status = SheetStatus.Draft;
            AddEvent(sheet, EvaluationEventKind.Saved, 1, null, now);
        }
        await SaveAsync(ct);
        return await ReloadSheetAsync(plan.Code, round.FiscalYear, sheet.ProjectCode, ct);
    }

    public async Task<SheetView> Handle(ReturnEvaluationSheet request, CancellationToken ct)
    {
        var (plan, round) = await LoadRoundAsync(request.PlanCode, request.FiscalYear, tracked: true, ct);
        var sheet = SheetOf(round, request.ProjectCode);
        if (round.IsClosed || round.CurrentStage != 1)
            throw new RequestValidationException(nameof(ReturnEvaluationSheet.Comment), "差戻しは自己評価の段階でだけできます。");
        if (sheet.Status != SheetStatus.Submitted)
            throw new RequestValidationException(nameof(ReturnEvaluationSheet.Comment), "提出されていない評価シートは差し戻せません。");
        var comment = Clean(request.Comment);
        if (comment is null)
            throw new RequestValidationException(nameof(ReturnEvaluationSheet.Comment), "差戻しの理由を入力してください。");
        if (comment.Length > EvaluationRules.MaxTextLength)
            throw new RequestValidationException(nameof(ReturnEvaluationSheet.Comment), $"差戻しの理由は{EvaluationRules.MaxTextLength:#,0}文字以内で入力してください。");
        CheckVersion(sheet.Version, request.ExpectedVersion);
        sheet.Status = SheetStatus.Returned;
        sheet.ReturnComment = comment;
        sheet.ReturnCount++;
        AddEvent(sheet, EvaluationEventKind.Returned, 1, comment, clock.GetUtcNow());
        await SaveAsync(ct);
        return await ReloadSheetAsync(plan.Code, round.FiscalYear, sheet.ProjectCode, ct);
    }

    public async Task<int> Handle(RecordEvaluationReviews request, CancellationToken ct)
    {
        var (_, round) = await LoadRoundAsync(request.PlanCode, request.FiscalYear, tracked: true, ct);
        var stage = round.Stages.FirstOrDefault(s => s.Order == request.StageOrder)
            ?? throw new NotFoundException($"段階 {request.StageOrder} はこの評価にありません。");
        if (stage.Order == 1)
            throw new RequestValidationException(nameof(RecordEvaluationReviews.StageOrder), "自己評価は評価シートから入力します。");
        if (!EvaluationRules.CanReview(user, stage))
            throw new ForbiddenException($"「{stage.Name}」の評価を記録できるのは、{EvaluationRules.EvaluatorLabel(stage.Evaluator, stage.Role, stage.BodyName)}だけです。");
        if (round.IsClosed || stage.Order != round.CurrentStage)
            throw new RequestValidationException(nameof(RecordEvaluationReviews.StageOrder),
                stage.Order < round.CurrentStage || round.IsClosed
                    ? $"「{stage.Name}」は終了しています。前の段階の評価は変更できません。"
                    : $"「{stage.Name}」はまだ始まっていません。");
        var last = stage.Order == round.Stages.Max(s => s.Order);
        var errors = new List<FieldError>();
        var changed = 0;
        var now = clock.GetUtcNow();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in request.Rows)
        {
            var sheet = round.Sheets.FirstOrDefault(s => s.ProjectCode == row.ProjectCode);
            var at = row.ProjectCode;
            if (sheet is null) { errors.Add(new FieldError(at, $"事業 {row.ProjectCode} はこの評価にありません。")); continue; }
            if (!seen.Add(row.ProjectCode)) { errors.Add(new FieldError(at, $"{sheet.ProjectCode}: 同じ事業が2回あります。")); continue; }
            var comment = Clean(row.Comment);
            if (comment is { Length: > EvaluationRules.MaxTextLength })
                errors.Add(new FieldError(at, $"{sheet.ProjectCode}: コメントは{EvaluationRules.MaxTextLength:#,0}文字以内で入力してください。"));
            if (row.Decision is not null && !last)
                errors.Add(new FieldError(at, $"{sheet.ProjectCode}: 判断は最後の段階でだけ記録します。"));
            if (row.Grade is not null && !stage.RecordsGrade)
                errors.Add(new FieldError(at, $"{sheet.ProjectCode}: 「{stage.Name}」は評価 (A〜D) を記録しない段階です。意見をコメントに入力してください。"));
            var review = sheet.Reviews.FirstOrDefault(r => r.StageOrder == stage.Order);
            if (review?.Version != row.ExpectedVersion)
            {
                errors.Add(new FieldError(at, $"{sheet.ProjectCode}: 他の利用者が先に記録しました。最新の内容を確認してから、もう一度入力してください。"));
                continue;
            }
            if (review is not null && review.Grade == row.Grade && review.Comment == comment && review.Decision == row.Decision) continue;
            if (review is null && row.Grade is null && comment is null && row.Decision is null) continue;
            if (errors.Count > 0) continue;
            if (review is null)
            {
                review = new EvaluationReview { SheetId = sheet.Id, StageOrder = stage.Order };
                db.EvaluationReviews.Add(review);
            }
            review.Grade = row.Grade;
            review.Comment = comment;
            review.Decision = row.Decision;
            review.RecordedBy = user.Name;
            review.RecordedAt = now;
            AddEvent(sheet, EvaluationEventKind.Reviewed, stage.Order,
                $"{stage.Name}: {(row.Grade is { } g ? g.ToString() : "評価なし")}{(row.Decision is { } d ? $" / 判断 {EvaluationRules.Label(d)}" : "")}", now);
            changed++;
        }
        if (errors.Count > 0) throw new RequestValidationException(errors);
        if (changed > 0) await SaveAsync(ct);
        return changed;
    }

    public async Task<RoundView> Handle(CloseEvaluationStage request, CancellationToken ct)
    {
        var (plan, round) = await LoadRoundAsync(request.PlanCode, request.FiscalYear, tracked: true, ct);
        if (round.IsClosed)
            throw new RequestValidationException(nameof(CloseEvaluationStage.StageOrder), "この評価はすでに確定しています。");
        if (request.StageOrder != round.CurrentStage)
            throw new RequestValidationException(nameof(CloseEvaluationStage.StageOrder), "終了できるのは進行中の段階だけです。画面を更新してください。");
        CheckVersion(round.Version, request.ExpectedVersion);
        var blockers = EvaluationRules.CheckClose(round);
        if (blockers.Count > 0)
            throw new RequestValidationException(blockers.Select(b => new FieldError(nameof(CloseEvaluationStage.StageOrder), b)).ToList());
        var stage = round.Stages.Single(s => s.Order == round.CurrentStage);
        var now = clock.GetUtcNow();
        stage.ClosedAt = now;
        stage.ClosedBy = user.Name;
        if (stage.Order == round.Stages.Max(s => s.Order)) round.ClosedAt = now;
        else round.CurrentStage++;
        await SaveAsync(ct);
        return await Handle(new GetEvaluationRound(plan.Code, round.FiscalYear), ct);
    }

    public async Task<SheetView> Handle(CorrectEvaluation request, CancellationToken ct)
    {
        var (plan, round) = await LoadRoundAsync(request.PlanCode, request.FiscalYear, tracked: true, ct);
        var sheet = SheetOf(round, request.ProjectCode);
        var reason = RequireReason(request.Reason, round);
        var stage = round.Stages.FirstOrDefault(s => s.Order == request.StageOrder)
            ?? throw new NotFoundException($"段階 {request.StageOrder} はこの評価にありません。");
        var last = stage.Order == round.Stages.Max(s => s.Order);
        if (request.Decision is not null && !last)
            throw new RequestValidationException(nameof(CorrectEvaluation.Decision), "判断は最後の段階でだけ記録します。");
        var comment = Clean(request.Comment);
        if (comment is { Length: > EvaluationRules.MaxTextLength })
            throw new RequestValidationException(nameof(CorrectEvaluation.Comment), $"コメントは{EvaluationRules.MaxTextLength:#,0}文字以内で入力してください。");
        string what;
        if (stage.Order == 1)
        {
            if (request.Grade is null) throw new RequestValidationException(nameof(CorrectEvaluation.Grade), "自己評価の評価 (A〜D) を選んでください。");
            what = $"自己評価: {sheet.Grade?.ToString() ?? "なし"} → {request.Grade}";
            sheet.Grade = request.Grade;
            if (comment is not null) sheet.Issues = comment;
        }
        else
        {
            var review = sheet.Reviews.FirstOrDefault(r => r.StageOrder == stage.Order);
            if (review is null)
            {
                review = new EvaluationReview { SheetId = sheet.Id, StageOrder = stage.Order, RecordedBy = user.Name, RecordedAt = clock.GetUtcNow() };
                db.EvaluationReviews.Add(review);
            }
            what = $"{stage.Name}: {review.Grade?.ToString() ?? "なし"} → {request.Grade?.ToString() ?? "なし"}"
                   + (last ? $"、判断 {(review.Decision is { } d0 ? EvaluationRules.Label(d0) : "なし")} → {(request.Decision is { } d1 ? EvaluationRules.Label(d1) : "なし")}" : "");
            review.Grade = request.Grade;
            review.Comment = comment;
            review.Decision = request.Decision;
        }
        AddEvent(sheet, EvaluationEventKind.Corrected, stage.Order, $"{what} (理由: {reason})", clock.GetUtcNow());
        await SaveAsync(ct);
        return await ReloadSheetAsync(plan.Code, round.FiscalYear, sheet.ProjectCode, ct);
    }

    public async Task<SheetView> Handle(CorrectLockedActual request, CancellationToken ct)
    {
        var (plan, round) = await LoadRoundAsync(request.PlanCode, request.FiscalYear, tracked: true, ct);
        var reason = RequireReason(request.Reason, round);
        var indicator = await db.Indicators.AsNoTracking().Include(i => i.Actuals.Where(a => a.FiscalYear == request.FiscalYear))
            .SingleOrDefaultAsync(i => i.PlanId == plan.Id && i.Code == request.IndicatorCode, ct)
            ?? throw new NotFoundException($"指標 {request.IndicatorCode} はこの計画にありません。");
        var sheet = round.Sheets.FirstOrDefault(s => s.ProjectId == indicator.ProjectId)
            ?? throw new NotFoundException($"指標 {request.IndicatorCode} の事業はこの評価にありません。");
        var before = indicator.Actuals.SingleOrDefault();
        var result = await recorder.RecordAsync(plan.Code, request.FiscalYear,
            [(new ActualInput(indicator.Code, request.Value, before?.Note, before?.Version), null)], save: true, ct, correction: true);
        if (!result.Ok)
            throw new RequestValidationException(result.Errors.Select(e => new FieldError(nameof(CorrectLockedActual.Value), e.Message)).ToList());
        var change = result.Changes.SingleOrDefault();
        if (change is not null)
        {
            db.ChangeTracker.Clear();
            db.EvaluationEvents.Add(new EvaluationEvent
            {
                SheetId = sheet.Id, Kind = EvaluationEventKind.Corrected, StageOrder = round.CurrentStage, User = user.Name, At = clock.GetUtcNow(),
                Text = $"実績値 {indicator.Name}: {Shown(change.Before, indicator.Unit)} → {Shown(change.After, indicator.Unit)} (理由: {reason})",
            });
            await db.SaveChangesAsync(ct);
        }
        db.ChangeTracker.Clear();
        return await ReloadSheetAsync(plan.Code, round.FiscalYear, sheet.ProjectCode, ct);
    }

    // ---------------------------------------------------------------- views

    private async Task<RoundView> RoundViewAsync(Plan plan, EvaluationRound round, CancellationToken ct)
    {
        var snapshot = await SnapshotAsync(plan.Code, ct);
        var current = round.Stages.Single(s => s.Order == round.CurrentStage);
        var viewer = ViewerStage(round);
        var secretariat = EvaluationRules.IsSecretariat(user);
        var rows = VisibleSheets(round).Select(s => new SheetRow(s.ProjectCode, s.ProjectName, s.MeasureCode, s.LeadDepartmentNames, s.Status,
            s.ReturnCount, Suggest(snapshot, s.ProjectId, round.FiscalYear), Results(round, s, viewer), s.Version)).ToList();

        var late = new List<LateDepartment>();
        if (secretariat && !round.IsClosed && round.CurrentStage == 1)
        {
            var today = clock.TodayInJapan();
            var reminders = await db.EvaluationReminders.AsNoTracking().Where(r => r.RoundId == round.Id && r.StageOrder == 1).ToListAsync(ct);
            late = round.Sheets.Where(s => s.Status != SheetStatus.Submitted)
                .SelectMany(s => s.LeadDepartmentNames.Select(d => (d, s))).GroupBy(x => x.d)
                .Select(g => new LateDepartment(g.Key, g.Count(),
                    current.Deadline is { } dl ? today.DayNumber - dl.DayNumber : 0,
                    reminders.Where(r => r.Department == g.Key).Select(r => (DateTimeOffset?)r.SentAt).OrderByDescending(r => r).FirstOrDefault()))
                .OrderByDescending(l => l.Unsubmitted).ThenBy(l => l.Department, StringComparer.Ordinal).ToList();
        }
        return new RoundView
        {
            PlanCode = plan.Code, PlanTitle = plan.Title, ProjectLevelName = plan.ProjectLevelName, FiscalYear = round.FiscalYear,
            Stages = round.Stages.OrderBy(s => s.Order).Select(s => Info(round, s)).ToList(), Current = Info(round, current),
            IsClosed = round.IsClosed, Sheets = rows, Late = late,
            CloseBlockers = secretariat && !round.IsClosed ? EvaluationRules.CheckClose(round) : [],
            IsSecretariat = secretariat,
            CanReviewCurrent = !round.IsClosed && current.Order > 1 && EvaluationRules.CanReview(user, current),
            RoundVersion = round.Version,
        };
    }

    private async Task<SheetView> SheetViewAsync(Plan plan, EvaluationRound round, EvaluationSheet sheet, CancellationToken ct)
    {
        var snapshot = await SnapshotAsync(plan.Code, ct);
        var viewer = ViewerStage(round);
        var current = round.Stages.Single(s => s.Order == round.CurrentStage);
        var canSelf = EvaluationRules.CanSelfEvaluate(user, sheet.LeadDepartmentNames);
        var indicators = snapshot.Indicators.Where(r => r.Project?.Id == sheet.ProjectId).Select(r =>
        {
            var y = r.Year(round.FiscalYear);
            return new SheetIndicator(r.Indicator.Code, r.Indicator.Name, r.Indicator.Unit, y?.TargetValue, y?.TargetText, y?.Actual?.Value,
                r.Indicator.MetricKey is not null, y?.Actual?.Source, y?.Evaluation.AchievementRate, y?.Evaluation.Status ?? KpiStatus.NoNumericTarget,
                y?.Actual?.Version, !round.IsClosed && r.Indicator.MetricKey is null && ActualEntryAccess.CanEnter(user, r.LeadDepartments));
        }).ToList();
        var history = await db.EvaluationEvents.AsNoTracking().Where(e => e.SheetId == sheet.Id).ToListAsync(ct);
        return new SheetView
        {
            PlanCode = plan.Code, PlanTitle = plan.Title, FiscalYear = round.FiscalYear, ProjectCode = sheet.ProjectCode, ProjectName = sheet.ProjectName,
            MeasureCode = sheet.MeasureCode, LeadDepartments = sheet.LeadDepartmentNames, Status = sheet.Status,
            Self = new SelfEvaluationInput(sheet.Achievements, sheet.Grade, sheet.Issues, sheet.NextYear, sheet.CostThousandYen, sheet.StaffEffort),
            SubmittedAt = sheet.SubmittedAt, SubmittedBy = sheet.SubmittedBy, ReturnComment = sheet.ReturnComment, ReturnCount = sheet.ReturnCount,
            Version = sheet.Version, Indicators = indicators, Suggested = Suggest(snapshot, sheet.ProjectId, round.FiscalYear),
            Stages = round.Stages.OrderBy(s => s.Order).Select(s => Info(round, s)).ToList(),
            Results = Results(round, sheet, viewer),
            History = history.OrderByDescending(e => e.At.UtcDateTime).Select(e => new SheetEvent(e.Kind, e.StageOrder, e.User, e.At, e.Text)).ToList(),
            IsClosed = round.IsClosed,
            CanEditSelf = canSelf && !round.IsClosed && round.CurrentStage == 1 && sheet.Status != SheetStatus.Submitted,
            CanReturn = EvaluationRules.IsSecretariat(user) && !round.IsClosed && round.CurrentStage == 1 && sheet.Status == SheetStatus.Submitted,
            CanReview = !round.IsClosed && current.Order > 1 && EvaluationRules.CanReview(user, current),
            CanCorrect = round.IsClosed && EvaluationRules.IsSecretariat(user),
        };
    }

    // ---------------------------------------------------------------- helpers

    private async Task<(Plan Plan, EvaluationRound Round)> LoadRoundAsync(string planCode, int fiscalYear, bool tracked, CancellationToken ct)
    {
        var plan = await db.Plans.AsNoTracking().SingleOrDefaultAsync(p => p.Code == planCode, ct)
            ?? throw new NotFoundException($"計画 {planCode} は登録されていません。");
        var query = db.EvaluationRoundsWithSheets();
        if (!tracked) query = query.AsNoTracking();
        var round = await query.SingleOrDefaultAsync(r => r.PlanId == plan.Id && r.FiscalYear == fiscalYear, ct)
            ?? throw new NotFoundException($"{plan.Title} の{Fmt.Year(fiscalYear)}の評価はまだ開始されていません。");
        if (!EvaluationRules.CanSeeRound(user, round.Stages))
            throw new ForbiddenException("この評価を見る権限がありません。");
        return (plan, round);
    }

    private EvaluationSheet SheetOf(EvaluationRound round, string projectCode)
    {
        var sheet = round.Sheets.FirstOrDefault(s => s.ProjectCode == projectCode)
            ?? throw new NotFoundException($"事業 {projectCode} の評価シートはこの評価にありません。");
        if (!VisibleSheets(round).Contains(sheet))
            throw new ForbiddenException("この評価シートを見る権限がありません。");
        return sheet;
    }

    /// <summary>All sheets for those who see all; a department's own sheets otherwise.</summary>
    private IEnumerable<EvaluationSheet> VisibleSheets(EvaluationRound round) =>
        round.Sheets.OrderBy(s => s.SortOrder).Where(s => EvaluationRules.SeesSheet(user, s));

    private EvaluationStage? ViewerStage(EvaluationRound round) => EvaluationRules.ViewerStage(user, round.Stages);

    private bool WaitsForUser(EvaluationRound round, EvaluationStage current, EvaluationSheet sheet)
    {
        if (round.IsClosed) return false;
        if (current.Order == 1)
            return sheet.Status != SheetStatus.Submitted && user.IsInRole(Roles.Department) && user.Department is { } d && sheet.LeadDepartmentNames.Contains(d);
        return EvaluationRules.CanReview(user, current) && !user.IsInRole(Roles.PlanOffice) && sheet.Reviews.All(r => r.StageOrder != current.Order);
    }

    private static IReadOnlyList<StageResult> Results(EvaluationRound round, EvaluationSheet sheet, EvaluationStage? viewer)
    {
        var results = new List<StageResult>();
        if (EvaluationRules.SelfEvaluationShown(round, sheet))
            results.Add(new StageResult(1, sheet.Grade, sheet.Issues, null, sheet.SubmittedBy, sheet.SubmittedAt, null));
        foreach (var r in sheet.Reviews.OrderBy(r => r.StageOrder))
            if (EvaluationRules.SeesStage(viewer, r.StageOrder))
                results.Add(new StageResult(r.StageOrder, r.Grade, r.Comment, r.Decision, r.RecordedBy, r.RecordedAt, r.Version));
        return results;
    }

    private static StageInfo Info(EvaluationRound round, EvaluationStage s) => StageInfo.Of(round, s);

    private async Task<PlanSnapshot> SnapshotAsync(string planCode, CancellationToken ct) =>
        await PlanSnapshot.LoadAsync(db, planCode, clock.TodayInJapan(), definitions, ct)
        ?? throw new NotFoundException($"計画 {planCode} は登録されていません。");

    private static SuggestedGrade Suggest(PlanSnapshot snapshot, Guid projectId, int fiscalYear) =>
        EvaluationRules.Suggest(snapshot.Indicators.Where(r => r.Project?.Id == projectId)
            .Select(r => r.Year(fiscalYear)?.Evaluation).OfType<KpiEvaluation>().ToList());

    private static List<FieldError> CheckSelf(SelfEvaluationInput input, bool submit)
    {
        var errors = new List<FieldError>();
        void Text(string field, string label, string? value)
        {
            if (value is { Length: > EvaluationRules.MaxTextLength })
                errors.Add(new FieldError(field, $"{label}は{EvaluationRules.MaxTextLength:#,0}文字以内で入力してください ({value.Length:#,0}文字)。"));
        }
        Text(nameof(SelfEvaluationInput.Achievements), "取組実績", input.Achievements);
        Text(nameof(SelfEvaluationInput.Issues), "課題", input.Issues);
        if (input.CostThousandYen is { } cost && (cost < 0 || cost > EvaluationRules.MaxCostThousandYen || decimal.Round(cost, 0) != cost))
            errors.Add(new FieldError(nameof(SelfEvaluationInput.CostThousandYen), "事業費は0以上の整数 (千円) で入力してください。"));
        if (input.StaffEffort is { } effort && (effort < 0 || effort > EvaluationRules.MaxStaffEffort || decimal.Round(effort, 2) != effort))
            errors.Add(new FieldError(nameof(SelfEvaluationInput.StaffEffort), "人工は0以上1,000以下、小数点以下2桁までで入力してください。"));
        if (submit)
        {
            if (string.IsNullOrWhiteSpace(input.Achievements))
                errors.Add(new FieldError(nameof(SelfEvaluationInput.Achievements), "提出するには取組実績を入力してください。"));
            if (input.Grade is null)
                errors.Add(new FieldError(nameof(SelfEvaluationInput.Grade), "提出するには評価 (A〜D) を選んでください。"));
            if (input.NextYear is null)
                errors.Add(new FieldError(nameof(SelfEvaluationInput.NextYear), "提出するには次年度の方向性を選んでください。"));
        }
        return errors;
    }

    private static string RequireReason(string? reason, EvaluationRound round)
    {
        if (!round.IsClosed)
            throw new RequestValidationException(nameof(CorrectEvaluation.Reason), "確定前の評価は、各段階で記録してください。確定後の修正だけが理由付きで行えます。");
        var text = Clean(reason);
        if (text is null) throw new RequestValidationException(nameof(CorrectEvaluation.Reason), "修正の理由を入力してください。");
        if (text.Length > EvaluationRules.MaxTextLength)
            throw new RequestValidationException(nameof(CorrectEvaluation.Reason), $"修正の理由は{EvaluationRules.MaxTextLength:#,0}文字以内で入力してください。");
        return text;
    }

    private void AddEvent(EvaluationSheet sheet, EvaluationEventKind kind, int stage, string? text, DateTimeOffset at) =>
        db.EvaluationEvents.Add(new EvaluationEvent { SheetId = sheet.Id, Kind = kind, StageOrder = stage, User = user.Name, At = at, Text = text });

    private static void CheckVersion(Guid stored, Guid expected)
    {
        if (stored != expected)
            throw new ConcurrencyConflictException("他の利用者が先に更新しました。最新の内容を確認してから、もう一度操作してください。");
    }

    private async Task SaveAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            throw new ConcurrencyConflictException("他の利用者が同時に更新しました。最新の内容を確認してから、もう一度操作してください。");
        }
        db.ChangeTracker.Clear();
    }

    private async Task<SheetView> ReloadSheetAsync(string planCode, int fiscalYear, string projectCode, CancellationToken ct) =>
        await Handle(new GetEvaluationSheet(planCode, fiscalYear, projectCode), ct);

    private static EvaluationStageDefinition Copy(EvaluationStageDefinition s, Guid planId) => new()
    {
        PlanId = planId, Order = s.Order, Name = s.Name, Evaluator = s.Evaluator, Role = s.Role, BodyName = s.BodyName, Visibility = s.Visibility,
        RecordsGrade = s.RecordsGrade, DeadlineMonth = s.DeadlineMonth, DeadlineDay = s.DeadlineDay,
    };

    private static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static string Shown(decimal? value, string unit) => value is { } v ? Fmt.WithUnit(v, unit) : "未入力";
}
