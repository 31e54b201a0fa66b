using System.Linq.Expressions;
using System.Reflection;
using Intranet.Modules.Paperless.Data;
using Intranet.Modules.Paperless.Domain;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.Paperless.UseCases;

/// <summary>
/// Sessions of one category in one calendar month, counted by the database (issue #12).
/// </summary>
/// <param name="Category">The bodies' category.</param>
/// <param name="Year">Calendar year of the month (not the fiscal year).</param>
/// <param name="Month">1–12.</param>
/// <param name="Sessions">Sessions held.</param>
/// <param name="PaperlessSessions">Of which paperless (<see cref="PaperlessRules.PaperlessRule"/>).</param>
/// <param name="TabletSessions">Of which run with tablets.</param>
/// <param name="SheetsSaved">Σ sheets saved by the sessions (枚, not rounded; <see cref="PaperlessRules.SheetsSavedRule"/>).</param>
public sealed record CategoryMonthTally(MeetingCategory Category, int Year, int Month, int Sessions, int PaperlessSessions, int TabletSessions, decimal SheetsSaved);

/// <summary>
/// One body's sessions in a period, counted by the database (issue #12): sessions held, paperless sessions, sheets printed (枚)
/// and Σ sheets saved (枚, not rounded).
/// </summary>
public sealed record BodyTally(Guid BodyId, int Sessions, int PaperlessSessions, int SheetsPrinted, decimal SheetsSaved);

/// <summary>
/// The module's figures as SQL aggregates (issue #12): a few rows per query whatever the number of sessions, no session
/// loaded as an entity. The rules are not written here: <see cref="PaperlessRules.PaperlessRule"/>,
/// <see cref="PaperlessRules.SheetsPerAttendeeRule"/> and <see cref="PaperlessRules.SheetsSavedRule"/> are inlined into the
/// queries (<see cref="Inline{T}"/>), so the database evaluates the same expression trees the in-memory methods run compiled.
/// Indexes used: <c>Sessions(HeldOn)</c> for a period, <c>Sessions(BodyId, HeldOn, Sequence)</c> for a body's latest session,
/// <c>Baselines(BodyId, ValidFrom)</c> for the baseline valid on a session's date. The row-by-row reference computations
/// (<see cref="PaperlessFeed.ComputeRowByRowAsync"/>, <see cref="PaperlessQueries.MonthsRowByRowAsync"/>,
/// <see cref="PaperlessQueries.BodiesInYearRowByRowAsync"/>) are what the tests compare these against.
/// </summary>
public static class PaperlessAggregates
{
    // Before FactOf: static fields are initialized in textual order, and FactOf's initializer inlines through these.
    private static readonly MethodInfo IsPaperlessMethod = typeof(PaperlessRules).GetMethod(nameof(PaperlessRules.IsPaperless))!;
    private static readonly MethodInfo SheetsPerAttendeeMethod = typeof(PaperlessRules).GetMethod(nameof(PaperlessRules.SheetsPerAttendeeOn))!;
    private static readonly MethodInfo SheetsSavedMethod = typeof(PaperlessRules).GetMethod(nameof(PaperlessRules.SheetsSaved),
        [typeof(IEnumerable<PaperBaseline>), typeof(DateOnly), typeof(int), typeof(int)])!;

    /// <summary>
    /// Sessions per (category, calendar month) held from <paramref name="from"/> to <paramref name="to"/> (inclusive; null:
    /// unbounded), of one <paramref name="category"/> or all (null). Only months with sessions; unordered.
    /// </summary>
    public static Task<List<CategoryMonthTally>> CategoryMonthsAsync(PaperlessDbContext db, DateOnly? from, DateOnly? to, MeetingCategory? category,
        CancellationToken ct) =>
        Facts(db, from, to, category)
            .GroupBy(x => new { x.Category, x.Year, x.Month })
            .Select(g => new CategoryMonthTally(g.Key.Category, g.Key.Year, g.Key.Month, g.Count(), g.Count(x => x.Paperless), g.Count(x => x.TabletsUsed),
                g.Sum(x => x.SheetsSaved)))
            .ToListAsync(ct);

    /// <summary>Sessions per body of <paramref name="category"/> held from <paramref name="from"/> to <paramref name="to"/> (inclusive); only bodies with sessions.</summary>
    public static Task<List<BodyTally>> BodiesAsync(PaperlessDbContext db, MeetingCategory category, DateOnly from, DateOnly to, CancellationToken ct) =>
        Facts(db, from, to, category)
            .GroupBy(x => x.BodyId)
            .Select(g => new BodyTally(g.Key, g.Count(), g.Count(x => x.Paperless), g.Sum(x => x.SheetsPrinted), g.Sum(x => x.SheetsSaved)))
            .ToListAsync(ct);

    /// <summary>Per body: sessions held from <paramref name="from"/> to <paramref name="to"/> (inclusive) and the latest session's date of any year (null: none).</summary>
    public static async Task<Dictionary<Guid, (int InPeriod, DateOnly? Last)>> SessionCountsAsync(PaperlessDbContext db, DateOnly from, DateOnly to,
        CancellationToken ct)
    {
        var inPeriod = await db.Sessions.AsNoTracking().Where(s => s.HeldOn >= from && s.HeldOn <= to)
            .GroupBy(s => s.BodyId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        // One index seek per body on (BodyId, HeldOn, Sequence), not a scan of every session.
        var last = await db.Bodies.AsNoTracking()
            .Select(b => new { b.Id, Last = db.Sessions.Where(s => s.BodyId == b.Id).OrderByDescending(s => s.HeldOn).Select(s => (DateOnly?)s.HeldOn).FirstOrDefault() })
            .ToListAsync(ct);
        return last.ToDictionary(x => x.Id, x => (inPeriod.GetValueOrDefault(x.Id), x.Last));
    }

    /// <summary>A session reduced to what the figures need, the rules already applied (in SQL).</summary>
    private sealed class SessionFact
    {
        public Guid BodyId { get; init; }
        public MeetingCategory Category { get; init; }
        public int Year { get; init; }
        public int Month { get; init; }
        public bool Paperless { get; init; }
        public bool TabletsUsed { get; init; }
        public int SheetsPrinted { get; init; }
        public decimal SheetsSaved { get; init; }
    }

    private static readonly Expression<Func<MeetingSession, MeetingBody, SessionFact>> FactOf = Inline<Func<MeetingSession, MeetingBody, SessionFact>>((s, b) => new SessionFact
    {
        BodyId = s.BodyId,
        Category = b.Category,
        Year = s.HeldOn.Year,
        Month = s.HeldOn.Month,
        Paperless = PaperlessRules.IsPaperless(s.Format, s.Materials),
        TabletsUsed = s.TabletsUsed,
        SheetsPrinted = s.SheetsPrinted,
        SheetsSaved = PaperlessRules.SheetsSaved(b.Baselines, s.HeldOn, s.Attendees, s.SheetsPrinted),
    });

    private static IQueryable<SessionFact> Facts(PaperlessDbContext db, DateOnly? from, DateOnly? to, MeetingCategory? category)
    {
        var sessions = db.Sessions.AsNoTracking();
        if (from is { } f) sessions = sessions.Where(s => s.HeldOn >= f);
        if (to is { } t) sessions = sessions.Where(s => s.HeldOn <= t);
        var bodies = db.Bodies.AsNoTracking();
        if (category is { } c) bodies = bodies.Where(b => b.Category == c);
        return sessions.Join(bodies, s => s.BodyId, b => b.Id, FactOf);
    }

    /// <summary>
    /// Replaces, in <paramref name="template"/>, the calls of <see cref="PaperlessRules.IsPaperless"/>,
    /// <see cref="PaperlessRules.SheetsPerAttendeeOn"/> and <see cref="PaperlessRules.SheetsSaved(IEnumerable{PaperBaseline}, DateOnly, int, int)"/>
    /// (compiled rules the database cannot run) by the bodies of the rules' expression trees with the call's arguments, so
    /// that EF Core translates the rules themselves into SQL.
    /// </summary>
    internal static Expression<T> Inline<T>(Expression<T> template) => (Expression<T>)new RuleInliner().Visit(template);

    private sealed class RuleInliner : ExpressionVisitor
    {
        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            if (node.Method == IsPaperlessMethod) return Apply(PaperlessRules.PaperlessRule, Args(node));
            if (node.Method == SheetsPerAttendeeMethod) return Apply(PaperlessRules.SheetsPerAttendeeRule, Args(node));
            if (node.Method == SheetsSavedMethod)
            {
                var a = Args(node);
                return Apply(PaperlessRules.SheetsSavedRule, Apply(PaperlessRules.SheetsPerAttendeeRule, a[0], a[1]), a[2], a[3]);
            }
            return base.VisitMethodCall(node);
        }

        private Expression[] Args(MethodCallExpression node) => node.Arguments.Select(a => Visit(a)!).ToArray();

        private static Expression Apply(LambdaExpression rule, params Expression[] args) =>
            new ParameterReplacer(rule.Parameters.Zip(args).ToDictionary(p => p.First, p => p.Second)).Visit(rule.Body)!;
    }

    private sealed class ParameterReplacer(Dictionary<ParameterExpression, Expression> map) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => map.TryGetValue(node, out var e) ? e : node;
    }
}
