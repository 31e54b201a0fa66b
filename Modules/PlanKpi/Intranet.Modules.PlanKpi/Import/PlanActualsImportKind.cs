using Intranet.Modules.PlanKpi.Data;
using Intranet.Modules.PlanKpi.UseCases;
using Intranet.Shared.Import;
using Intranet.Shared.Messaging;
using Intranet.Shared.Security;
using Intranet.Shared.Time;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.PlanKpi.Import;

/// <summary>
/// <c>plan-actuals</c>: a department's actual values for a fiscal year, from a sheet of its own (e.g. the Excel list a
/// department kept before the suite). Every row goes through <see cref="ActualRecorder"/>, the same rules as the entry
/// grid (lead department, fed indicators refused, <c>ActualValueRules</c>, note length); a row equal to what is stored
/// changes nothing; an empty value is skipped (files do not delete). All rows of all plans and years in the file are
/// checked before anything is written.
/// </summary>
public sealed class PlanActualsImportKind(PlanKpiDbContext db, ActualRecorder recorder) : IImportKind
{
    /// <summary>The fields.</summary>
    public static readonly IReadOnlyList<ImportField> Fields =
    [
        new("plan", "計画コード", ImportFieldType.Text, true, "計画のコード (例: hadano-ict-2021)。ファイルに列がなければ固定値で指定します",
            Synonyms: ["計画", "計画コード"], Example: "hadano-ict-2021"),
        new("fiscal_year", "年度", ImportFieldType.Text, true, "年度 (例: 2025, 令和7年度, R7)", Synonyms: ["年度", "対象年度"], Example: "令和7年度"),
        new("indicator", "指標コード", ImportFieldType.Text, true, "評価指標のコード (例: 1-1-(1)-1)", Synonyms: ["指標コード", "指標番号", "評価指標コード", "コード"], Example: "1-1-(1)-1"),
        new("value", "実績値", ImportFieldType.Text, false, "実績値 (単位は指標のもの。1,500 や 92.5% も可)。空欄の行は何もしません", Synonyms: ["実績値", "実績", "値"], Example: "12"),
        new("note", "備考", ImportFieldType.Text, false, "備考 (500文字以内)", Synonyms: ["備考", "コメント", "補足"], Example: ""),
    ];

    /// <inheritdoc />
    public ImportKindInfo Info { get; } = new("plan-actuals", "評価指標の実績値", "ICT活用推進計画",
        "主管課が集計した評価指標の実績値。計画・年度・指標コードで照合し、実績値入力と同じ規則で確認します (自動連携の指標や他課の指標は取り込めません)。",
        Fields, null, [Roles.Administrator, Roles.PlanOffice, Roles.Department], "/plans");

    /// <inheritdoc />
    public Task<IImportSession> BeginAsync(ImportContext context, CancellationToken ct) => Task.FromResult<IImportSession>(new Session(db, recorder, context));

    private sealed class Session(PlanKpiDbContext db, ActualRecorder recorder, ImportContext context) : IImportSession
    {
        private readonly Dictionary<(string Plan, int Year), List<(ActualInput Input, int? SheetRow)>> _groups = [];
        private readonly Dictionary<int, ImportRow> _rows = [];

        public DbContext Database => db;

        public void Check(ImportRow row)
        {
            var plan = row.Text("plan", required: true, maxLength: 100);
            var yearText = row.Text("fiscal_year", required: true);
            FiscalYear year = default;
            if (yearText.Length > 0 && !FiscalYear.TryParse(yearText, out year))
                row.Error("fiscal_year", $"年度として読めません: {ImportValues.Shorten(yearText)} (例: 2025, 令和7年度, R7)");
            var indicator = row.Text("indicator", required: true, maxLength: 50);
            var value = row.Text("value");
            var note = row.Text("note", maxLength: 2000);
            if (plan.Length == 0 || year == default || indicator.Length == 0 || value.Length == 0) return;
            if (!_groups.TryGetValue((plan, year.StartYear), out var list)) _groups[(plan, year.StartYear)] = list = [];
            list.Add((new ActualInput(indicator, value, note, null), row.Line));
            _rows[row.Line] = row;
        }

        /// <summary>Checks every group with the entry rules; the stored version is taken as read now (concurrent edits are caught at write).</summary>
        public async Task CompleteAsync(CancellationToken ct)
        {
            foreach (var ((plan, year), rows) in _groups)
            {
                EntrySaveResult result;
                try
                {
                    var versions = await VersionsAsync(plan, year, rows, ct);
                    result = await recorder.RecordAsync(plan, year, WithVersions(rows, versions), save: false, ct, onlyChanged: true);
                }
                catch (Exception e) when (e is NotFoundException or RequestValidationException)
                {
                    var line = rows[0].SheetRow ?? 0;
                    _rows[line].Error(e is NotFoundException ? "plan" : "fiscal_year", e.Message);
                    continue;
                }
                foreach (var error in result.Errors)
                {
                    var field = error.Column switch { "備考" => "note", "指標" => "indicator", _ => "value" };
                    if (error.SheetRow is { } line && _rows.TryGetValue(line, out var row)) row.Error(field, error.Message);
                    else context.Errors.Add(0, error.Column, error.Message);
                }
            }
        }

        private readonly Dictionary<(string, int), Dictionary<string, Guid?>> _versions = [];

        private async Task<Dictionary<string, Guid?>> VersionsAsync(string plan, int year, List<(ActualInput Input, int? SheetRow)> rows, CancellationToken ct)
        {
            var codes = rows.Select(r => r.Input.IndicatorCode).Distinct().ToList();
            var planId = await db.Plans.Where(p => p.Code == plan).Select(p => p.Id).FirstOrDefaultAsync(ct);
            var indicators = await db.Indicators.AsNoTracking().Where(i => i.PlanId == planId && codes.Contains(i.Code)).Select(i => new { i.Id, i.Code }).ToListAsync(ct);
            var ids = indicators.Select(i => i.Id).ToList();
            var versions = await db.Actuals.AsNoTracking().Where(a => a.FiscalYear == year && ids.Contains(a.IndicatorId))
                .Select(a => new { a.IndicatorId, a.Version }).ToListAsync(ct);
            var stored = versions.Join(indicators, v => v.IndicatorId, i => i.Id, (v, i) => new { i.Code, v.Version }).ToList();
            return _versions[(plan, year)] = stored.ToDictionary(x => x.Code, x => (Guid?)x.Version);
        }

        private static List<(ActualInput, int?)> WithVersions(List<(ActualInput Input, int? SheetRow)> rows, Dictionary<string, Guid?> versions) =>
            rows.Select(r => (r.Input with { ExpectedVersion = versions.GetValueOrDefault(r.Input.IndicatorCode) }, r.SheetRow)).ToList();

        public async Task<ImportCounts> WriteAsync(bool dryRun, Func<int, int, Task>? progress, CancellationToken ct)
        {
            int added = 0, updated = 0;
            foreach (var ((plan, year), rows) in _groups)
            {
                var versions = _versions.GetValueOrDefault((plan, year)) ?? [];
                var result = await recorder.RecordAsync(plan, year, WithVersions(rows, versions), save: !dryRun, ct, onlyChanged: true);
                if (result.Errors.Count > 0)
                    throw new ImportRejectedException(context.FileName, result.Errors.Select(e => new ImportError(e.SheetRow ?? 0, e.Column, e.Message)).ToList());
                added += result.Changes.Count(c => c.Before is null);
                updated += result.Changes.Count(c => c.Before is not null);
            }
            return new ImportCounts(added, updated);
        }
    }
}
