using Intranet.Modules.PlanKpi.Data;
using Intranet.Modules.PlanKpi.Domain.Evaluation;
using Intranet.Shared.Mail;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using Intranet.Shared.Time;
using Intranet.Shared.Web;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.PlanKpi.UseCases.Evaluation;

internal sealed class EvaluationStageHandlers(PlanKpiDbContext db, ICurrentUser user)
    : IRequestHandler<GetStageDefinitions, StageDefinitions>, IRequestHandler<SaveStageDefinitions, StageDefinitions>
{
    public async Task<StageDefinitions> Handle(GetStageDefinitions request, CancellationToken ct)
    {
        if (!Roles.Staff.Any(user.IsInRole) && !user.IsSystem) throw new ForbiddenException("この画面を見る権限がありません。");
        var plan = await db.Plans.AsNoTracking().SingleOrDefaultAsync(p => p.Code == request.PlanCode, ct)
            ?? throw new NotFoundException($"計画 {request.PlanCode} は登録されていません。");
        var stages = await db.EvaluationStageDefinitions.AsNoTracking().Where(d => d.PlanId == plan.Id).OrderBy(d => d.Order).ToListAsync(ct);
        return new StageDefinitions(plan.Code, plan.Title, stages.Select(Input).ToList(),
            StagePresets.All.Select(p => KeyValuePair.Create(p.Code, p.Name)).ToList(), EvaluationRules.IsSecretariat(user));
    }

    public async Task<StageDefinitions> Handle(SaveStageDefinitions request, CancellationToken ct)
    {
        var plan = await db.Plans.AsNoTracking().SingleOrDefaultAsync(p => p.Code == request.PlanCode, ct)
            ?? throw new NotFoundException($"計画 {request.PlanCode} は登録されていません。");
        var stages = request.Stages.Select((s, i) => new EvaluationStageDefinition
        {
            PlanId = plan.Id, Order = i + 1, Name = (s.Name ?? "").Trim(), Evaluator = s.Evaluator,
            Role = s.Evaluator == EvaluatorKind.Role ? s.Role : null,
            BodyName = s.Evaluator == EvaluatorKind.Body ? s.BodyName?.Trim() : null,
            Visibility = s.Visibility, RecordsGrade = s.RecordsGrade, DeadlineMonth = s.DeadlineMonth, DeadlineDay = s.DeadlineDay,
        }).ToList();
        var errors = EvaluationRules.CheckStages(stages);
        if (errors.Count > 0) throw new RequestValidationException(errors.Select(e => new FieldError(nameof(SaveStageDefinitions.Stages), e)).ToList());
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.EvaluationStageDefinitions.RemoveRange(await db.EvaluationStageDefinitions.Where(d => d.PlanId == plan.Id).ToListAsync(ct));
        await db.SaveChangesAsync(ct);
        db.EvaluationStageDefinitions.AddRange(stages);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return await Handle(new GetStageDefinitions(plan.Code), ct);
    }

    /// <summary>The editor's shape of a definition.</summary>
    internal static StageDefinitionInput Input(EvaluationStageDefinition d) =>
        new(d.Name, d.Evaluator, d.Role, d.BodyName, d.Visibility, d.RecordsGrade, d.DeadlineMonth, d.DeadlineDay);
}

internal sealed class EvaluationReminderHandler(PlanKpiDbContext db, TimeProvider clock, IMailSender mail, IUserDirectory directory)
    : IRequestHandler<SendEvaluationReminders, ReminderRun>
{
    public async Task<ReminderRun> Handle(SendEvaluationReminders request, CancellationToken ct)
    {
        var today = clock.TodayInJapan();
        var rounds = await db.EvaluationRounds.AsNoTracking().Where(r => r.ClosedAt == null && r.CurrentStage == 1)
            .Include(r => r.Stages).Include(r => r.Sheets).AsSplitQuery().ToListAsync(ct);
        var plans = await db.Plans.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.Title, ct);
        var sent = 0;
        var mailed = 0;
        foreach (var round in rounds)
        {
            var stage = round.Stages.Single(s => s.Order == 1);
            if (stage.Deadline is not { } deadline || EvaluationRules.DueReminder(deadline, today) is not { } days) continue;
            var already = (await db.EvaluationReminders.AsNoTracking()
                .Where(r => r.RoundId == round.Id && r.StageOrder == 1 && r.DaysFromDeadline == days).Select(r => r.Department).ToListAsync(ct)).ToHashSet();
            var owing = round.Sheets.Where(s => s.Status != SheetStatus.Submitted)
                .SelectMany(s => s.LeadDepartmentNames.Select(d => (Department: d, Sheet: s))).GroupBy(x => x.Department);
            foreach (var group in owing)
            {
                if (already.Contains(group.Key)) continue;
                var projects = string.Join("、", group.Select(x => $"{x.Sheet.ProjectCode} {x.Sheet.ProjectName}"));
                var when = days < 0 ? $"締切 ({Fmt.Date(deadline)}) まであと{-days}日です" : $"締切 ({Fmt.Date(deadline)}) を{days}日過ぎています";
                var message = $"{plans.GetValueOrDefault(round.PlanId)} {Fmt.Year(round.FiscalYear)}の自己評価: 未提出の評価シートが{group.Count()}件あります ({projects})。{when}。";
                var addresses = mail.IsConfigured ? await directory.EmailsAsync(group.Key, Roles.Department, ct) : [];
                db.EvaluationReminders.Add(new EvaluationReminder
                {
                    RoundId = round.Id, StageOrder = 1, Department = group.Key, DaysFromDeadline = days, SentAt = clock.GetUtcNow(), Message = message,
                });
                try
                {
                    // Recorded before mailing: a second host that races here fails on the unique index and mails nothing.
                    await db.SaveChangesAsync(ct);
                }
                catch (DbUpdateException)
                {
                    db.ChangeTracker.Clear();
                    continue;
                }
                var count = await mail.SendAsync(addresses, $"【評価】{Fmt.Year(round.FiscalYear)} 自己評価の提出のお願い", message, ct);
                if (count > 0)
                {
                    var reminder = db.ChangeTracker.Entries<EvaluationReminder>().Last().Entity;
                    reminder.Mailed = count;
                    await db.SaveChangesAsync(ct);
                }
                db.ChangeTracker.Clear();
                sent++;
                mailed += count;
            }
        }
        return new ReminderRun(sent, mailed);
    }
}
