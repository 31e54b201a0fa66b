using System.Reflection;
using Intranet.Shared.Export;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using MediatR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Intranet.Shared.Auditing
{
    /// <summary>
    /// One page of an area's audit trail (<c>/rpa/audit</c>, <c>/paperless/audit</c>, <c>/telework/audit</c>, <c>/plans/audit</c>,
    /// <c>/admin/audit</c>), filtered, sorted and paged in the database. <paramref name="Area"/> is an <see cref="AuditArea.Key"/>,
    /// or <see cref="AuditArea.All"/> for the administrator's overview of every area (merged by time; its total is the sum).
    /// Who may read: the area's <see cref="AuditArea.Roles"/> and administrators; administrators also see unlabelled fields
    /// by property name and the stored keys.
    /// </summary>
    /// <exception cref="NotFoundException">No such area.</exception>
    /// <exception cref="ForbiddenException">The user may not read the area.</exception>
    public sealed record GetAuditTrail(string Area, AuditFilter Filter) : IRequest<AuditTrailPage>;

    /// <summary>
    /// The audit trail of <paramref name="Area"/> with the filters of <paramref name="Filter"/> (paging ignored) as an .xlsx
    /// workbook (Open XML SDK, text as strings, never formulas), at most <see cref="AuditExport.MaxRows"/> rows, newest first
    /// unless sorted otherwise. Same rights as <see cref="GetAuditTrail"/>.
    /// </summary>
    /// <exception cref="NotFoundException">No such area.</exception>
    /// <exception cref="ForbiddenException">The user may not read the area.</exception>
    public sealed record ExportAuditTrail(string Area, AuditFilter Filter) : IRequest<AuditExportFile>;

    /// <summary>An export: the file's bytes and its download name (<c>audit-rpa-20261130.xlsx</c>).</summary>
    public sealed record AuditExportFile(byte[] Content, string FileName);

    /// <summary>The areas whose audit trail the acting user may read (for links and the overview's area choice).</summary>
    public sealed record GetAuditAreas : IRequest<IReadOnlyList<AuditArea>>;

    /// <summary>Handlers of the audit use cases over every registered <see cref="IAuditSource"/>.</summary>
    public sealed class AuditTrailHandlers(IEnumerable<IAuditSource> sources, ICurrentUser user, TimeProvider clock)
        : IRequestHandler<GetAuditTrail, AuditTrailPage>, IRequestHandler<ExportAuditTrail, AuditExportFile>, IRequestHandler<GetAuditAreas, IReadOnlyList<AuditArea>>
    {
        /// <summary>The overview's pseudo-area.</summary>
        public static readonly AuditArea Overview = new(AuditArea.All, "すべての機能", "/admin/audit?area=all", []);

        /// <inheritdoc />
        public Task<IReadOnlyList<AuditArea>> Handle(GetAuditAreas request, CancellationToken ct) =>
            Task.FromResult<IReadOnlyList<AuditArea>>(sources.Select(s => s.Area).Where(a => a.MayRead(user)).OrderBy(a => a.Key == "admin" ? 0 : 1).ToList());

        /// <inheritdoc />
        public async Task<AuditTrailPage> Handle(GetAuditTrail request, CancellationToken ct)
        {
            var f = Normalize(request.Filter);
            var admin = user.IsSystem || user.IsInRole(Roles.Administrator);
            var chosen = Choose(request.Area);
            var rows = new List<AuditRow>();
            var total = 0;
            var users = new SortedSet<string>(StringComparer.Ordinal);
            var types = new List<(string, string)>();
            foreach (var source in chosen)
            {
                var all = await source.ScopeAsync(AuditQueries.Records(source.Database), user, ct);
                var filtered = AuditQueries.Filter(all, f);
                total += await filtered.CountAsync(ct);
                // One area: exactly the page. The overview: each area's first Skip+Take rows, merged and cut below.
                var take = chosen.Count == 1 ? f.Take : f.Skip + f.Take;
                var query = AuditQueries.Order(filtered, f);
                if (chosen.Count == 1) query = query.Skip(f.Skip);
                var records = await query.Take(take).ToListAsync(ct);
                rows.AddRange(await AuditQueries.RowsAsync(source, records, admin, ct));
                foreach (var u in await all.Select(e => e.UserName).Distinct().Take(500).ToListAsync(ct)) users.Add(u);
                var stored = await all.Select(e => e.EntityType).Distinct().ToListAsync(ct);
                var known = source.Vocabulary.EntityTypes.Where(t => stored.Contains(t.Type)).ToList();
                types.AddRange(known);
                if (admin) types.AddRange(stored.Where(s => known.All(k => k.Type != s)).Select(s => (s, s)));
            }
            if (chosen.Count > 1) rows = MergeOrder(rows, f).Skip(f.Skip).Take(f.Take).ToList();
            var area = chosen.Count == 1 && request.Area != AuditArea.All ? chosen[0].Area : Overview;
            return new AuditTrailPage(area, rows, total, types.DistinctBy(t => t.Item1).ToList(), users.ToList(), admin);
        }

        /// <inheritdoc />
        public async Task<AuditExportFile> Handle(ExportAuditTrail request, CancellationToken ct)
        {
            var f = Normalize(request.Filter) with { Skip = 0, Take = AuditExport.MaxRows };
            var admin = user.IsSystem || user.IsInRole(Roles.Administrator);
            var chosen = Choose(request.Area);
            var rows = new List<AuditRow>();
            foreach (var source in chosen)
            {
                var all = await source.ScopeAsync(AuditQueries.Records(source.Database), user, ct);
                var records = await AuditQueries.Order(AuditQueries.Filter(all, f), f).Take(AuditExport.MaxRows).ToListAsync(ct);
                rows.AddRange(await AuditQueries.RowsAsync(source, records, admin, ct));
            }
            if (chosen.Count > 1) rows = MergeOrder(rows, f).Take(AuditExport.MaxRows).ToList();
            var key = chosen.Count == 1 && request.Area != AuditArea.All ? chosen[0].Area.Key : AuditArea.All;
            var today = DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(Time.FiscalYear.JapanOffset).DateTime);
            return new AuditExportFile(TableExport.ToXlsx(AuditExport.Table(rows, admin, chosen.Count > 1)), $"audit-{key}-{today:yyyyMMdd}.xlsx");
        }

        private List<IAuditSource> Choose(string area)
        {
            if (area == AuditArea.All)
            {
                if (!user.IsSystem && !user.IsInRole(Roles.Administrator)) throw new ForbiddenException("この操作を行う権限がありません。");
                return sources.OrderBy(s => s.Area.Key == "admin" ? 0 : 1).ToList();
            }
            var source = sources.FirstOrDefault(s => s.Area.Key == area) ?? throw new NotFoundException("この操作履歴はありません。");
            if (!source.Area.MayRead(user)) throw new ForbiddenException("この操作履歴を見る権限がありません。");
            return [source];
        }

        private static AuditFilter Normalize(AuditFilter f) => f with
        {
            Skip = Math.Max(0, f.Skip), Take = Math.Clamp(f.Take, 1, 200),
            Sort = AuditFilter.SortKeys.Contains(f.Sort) ? f.Sort : "at",
        };

        private static IEnumerable<AuditRow> MergeOrder(IEnumerable<AuditRow> rows, AuditFilter f)
        {
            Func<AuditRow, string> key = f.Sort switch
            {
                "user" => r => r.User,
                "type" => r => r.EntityType,
                "action" => r => r.Action,
                _ => r => r.At.UtcTicks.ToString("D20", System.Globalization.CultureInfo.InvariantCulture),
            };
            var ordered = f.Ascending ? rows.OrderBy(key, StringComparer.Ordinal) : rows.OrderByDescending(key, StringComparer.Ordinal);
            return f.Sort is "user" or "type" or "action" ? ordered.ThenByDescending(r => r.At) : ordered;
        }
    }

    /// <summary>The audit trail as a table for the .xlsx download.</summary>
    public static class AuditExport
    {
        /// <summary>Most rows in one download (narrow the dates for more).</summary>
        public const int MaxRows = 50_000;

        /// <summary>
        /// Columns 日時 (JST), 利用者, 操作, 対象, 記録, 項目, 変更前, 変更後 — one row per changed field (an entry without field changes
        /// gives one row); <paramref name="overview"/> adds 機能 first, <paramref name="administratorView"/> adds キー.
        /// </summary>
        public static ExportTable Table(IReadOnlyList<AuditRow> rows, bool administratorView, bool overview)
        {
            var headers = new List<string>();
            if (overview) headers.Add("機能");
            headers.AddRange(["日時", "利用者", "操作", "対象", "記録"]);
            if (administratorView) headers.Add("キー");
            headers.AddRange(["項目", "変更前", "変更後"]);
            var data = new List<IReadOnlyList<object?>>();
            foreach (var r in rows)
            {
                var changes = r.Changes.Count > 0 ? r.Changes : [new AuditChange("", "", null, null)];
                foreach (var c in changes)
                {
                    var cells = new List<object?>();
                    if (overview) cells.Add(r.Area);
                    cells.AddRange([r.At.ToOffset(Time.FiscalYear.JapanOffset).ToString("yyyy/MM/dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
                        r.User, r.ActionLabel, r.EntityLabel, r.Record]);
                    if (administratorView) cells.Add(r.Key);
                    cells.AddRange([c.Label, c.Before, c.After]);
                    data.Add(cells);
                }
            }
            return new ExportTable("操作履歴", headers, data);
        }
    }

    /// <summary>Registration of the audit sources.</summary>
    public static class AuditRegistration
    {
        /// <summary>
        /// Registers every concrete <see cref="IAuditSource"/> found in <paramref name="assemblies"/> (scoped, once each):
        /// a module adds its audit page's data by writing the class.
        /// </summary>
        public static IServiceCollection AddAuditSources(this IServiceCollection services, IEnumerable<Assembly> assemblies)
        {
            foreach (var type in assemblies.Distinct().SelectMany(SafeTypes))
            {
                if (type is { IsClass: true, IsAbstract: false } && !type.IsGenericTypeDefinition && typeof(IAuditSource).IsAssignableFrom(type))
                    services.TryAddEnumerable(ServiceDescriptor.Scoped(typeof(IAuditSource), type));
            }
            return services;
        }

        private static IEnumerable<Type> SafeTypes(Assembly assembly)
        {
            try { return assembly.GetTypes(); }
            catch (ReflectionTypeLoadException e) { return e.Types.OfType<Type>(); }
        }
    }
}
