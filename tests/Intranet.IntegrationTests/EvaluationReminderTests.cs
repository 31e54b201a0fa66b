using System.Text;
using Intranet.IntegrationTests.Infrastructure;
using Intranet.Modules.PlanKpi.Domain.Evaluation;
using Intranet.Modules.PlanKpi.UseCases.Evaluation;
using Intranet.Shared.Mail;
using Intranet.Shared.Security;
using MediatR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Intranet.IntegrationTests.EvaluationRoundTests;

namespace Intranet.IntegrationTests;

/// <summary>
/// Reminders of unsubmitted self-evaluations (issue #10) with a fake clock and a real SMTP socket: who gets one, when, only
/// once, and what the plan office sees of late departments.
/// </summary>
public sealed class EvaluationReminderTests
{
    private static async Task<ReminderRun> RunJobAsync(IntranetApp app)
    {
        // As the scheduled job runs it: a scope with no signed-in user (the system).
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new SendEvaluationReminders());
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Departments_with_unsubmitted_sheets_are_reminded_before_and_after_the_deadline_once_each(Db db)
    {
        await using var smtp = new TestSmtpServer();
        using var app = new IntranetApp(db, s => s.AddSingleton(new SmtpSettings { SmtpHost = "127.0.0.1", SmtpPort = smtp.Port, From = "ict@city.example.jp" }));
        await app.CreateUserAsync("koho@city.example.jp", "Passw0rd!Passw0rd", Roles.Department, Department);
        await app.CreateUserAsync("joho@city.example.jp", "Passw0rd!Passw0rd", Roles.Department, "情報システム課");
        var round = await app.SendAsAsync(new OpenEvaluationRound(Plan, Year), Roles.PlanOffice);
        var departments = round.Sheets.SelectMany(s => s.LeadDepartments).Distinct().Count();

        // 2024-06-22 (JST): 8 days before the 6/30 deadline: nothing due yet.
        app.Clock.Now = new DateTimeOffset(2024, 6, 22, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(new ReminderRun(0, 0), await RunJobAsync(app));

        // 7 days before: every department with a sheet is reminded once; those with a user get a mail.
        app.Clock.Now = new DateTimeOffset(2024, 6, 23, 0, 0, 0, TimeSpan.Zero);
        var first = await RunJobAsync(app);
        Assert.Equal(departments, first.Sent);
        Assert.Equal(2, first.Mailed);
        Assert.Equal(new ReminderRun(0, 0), await RunJobAsync(app));        // the same day again: nothing
        var mail = smtp.Received.Single(m => m.To.Contains("koho@city.example.jp"));
        var text = Decode(mail.Data);
        Assert.Contains("締切 (2024/06/30) まであと7日", text);
        Assert.Contains(Project, text);

        // 広報広聴課 submits everything; after the deadline only the others are reminded, and the plan office sees who is late.
        foreach (var sheet in round.Sheets.Where(s => s.LeadDepartments.SequenceEqual([Department])))
            await app.SendAsAsync(new SaveSelfEvaluation(Plan, Year, sheet.ProjectCode, Complete(), true, sheet.SheetVersion), Roles.Department, Department);
        app.Clock.Now = new DateTimeOffset(2024, 7, 2, 0, 0, 0, TimeSpan.Zero);
        var after = await RunJobAsync(app);
        Assert.Equal(departments - 1, after.Sent);
        var reminded = await app.PlanKpiAsync(d => d.EvaluationReminders.Where(r => r.DaysFromDeadline == 1).Select(r => r.Department).ToListAsync());
        Assert.DoesNotContain(Department, reminded);
        Assert.Contains("情報システム課", reminded);

        var view = await app.SendAsAsync(new GetEvaluationRound(Plan, Year), Roles.PlanOffice);
        var late = view.Late.Single(l => l.Department == "情報システム課");
        Assert.Equal(2, late.DaysLate);
        Assert.Equal(app.Clock.Now, late.LastReminder);
        Assert.DoesNotContain(view.Late, l => l.Department == Department);
        Assert.Empty((await app.SendAsAsync(new GetEvaluationRound(Plan, Year), Roles.Cio)).Late);   // only the plan office sees it
    }

    [Fact]
    public async Task Without_an_SMTP_server_reminders_are_still_recorded_in_the_suite()
    {
        using var app = new IntranetApp(Db.Sqlite);
        await app.SendAsAsync(new OpenEvaluationRound(Plan, Year), Roles.PlanOffice);
        var run = await RunJobAsync(app);                      // the test clock (2026-11) is long past the deadline: the +7 reminder
        Assert.True(run.Sent > 0);
        Assert.Equal(0, run.Mailed);
        Assert.All(await app.PlanKpiAsync(d => d.EvaluationReminders.ToListAsync()), r => Assert.Equal(7, r.DaysFromDeadline));
    }

    /// <summary>The body as text: SmtpClient sends UTF-8 bodies base64- or quoted-printable-encoded.</summary>
    private static string Decode(string data)
    {
        var split = data.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var headers = data[..split];
        var body = data[(split + 4)..];
        if (headers.Contains("base64", StringComparison.OrdinalIgnoreCase))
            return Encoding.UTF8.GetString(Convert.FromBase64String(string.Concat(body.Split("\r\n"))));
        if (headers.Contains("quoted-printable", StringComparison.OrdinalIgnoreCase))
        {
            var bytes = new List<byte>();
            var s = body.Replace("=\r\n", "");
            for (var i = 0; i < s.Length; i++)
            {
                if (s[i] == '=' && i + 2 < s.Length) { bytes.Add(Convert.ToByte(s.Substring(i + 1, 2), 16)); i += 2; }
                else bytes.Add((byte)s[i]);
            }
            return Encoding.UTF8.GetString(bytes.ToArray());
        }
        return body;
    }
}
