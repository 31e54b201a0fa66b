using Intranet.Modules.Paperless.Contracts;
using Intranet.Modules.Paperless.Data;
using Intranet.Modules.Paperless.Domain;
using Intranet.Shared.Import;
using Intranet.Shared.Security;
using Intranet.Shared.Time;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Modules.Paperless.Import;

/// <summary>
/// <c>paper-use</c>: office-wide paper use from purchase records (用紙購入実績), for 2-2-(2)-1 紙の削減量 against FY2019.
/// Each row is a purchase: its fiscal year (from <c>fiscal_year</c>, or the purchase date) and its sheets (<c>sheets</c>, or
/// <c>quantity</c> × <c>sheets_per_unit</c>, e.g. 10 箱 × 2,500 枚). The rows of a fiscal year are summed and replace
/// that year's recorded use (the file is the year's whole record); each total is checked by
/// <see cref="PaperlessRules.CheckPaperUse"/>, the same rule as the form. The plan office and administrators only.
/// </summary>
public sealed class PaperUseImportKind(PaperlessDbContext db, TimeProvider clock) : IImportKind
{
    /// <summary>Kind name.</summary>
    public const string Name = "paper-use";

    /// <summary>The fields.</summary>
    public static readonly IReadOnlyList<ImportField> Fields =
    [
        new("purchased_on", "購入日", ImportFieldType.Date, false, "購入日・納品日 (年度の判定に使います。年度の列があれば不要)", Synonyms: ["購入日", "納品日", "発注日", "日付"], Example: "2023-04-12"),
        new("fiscal_year", "年度", ImportFieldType.Text, false, "年度 (例: 2023, 令和5年度)。購入日があれば不要", Synonyms: ["年度", "会計年度"], Example: ""),
        new("sheets", "枚数", ImportFieldType.Integer, false, "用紙の枚数 (枚)。なければ数量 × 入数", Synonyms: ["枚数", "用紙枚数", "使用枚数"], Example: ""),
        new("quantity", "数量", ImportFieldType.Decimal, false, "購入数量 (箱・冊など)", Synonyms: ["数量", "購入数量"], Example: "10"),
        new("sheets_per_unit", "入数", ImportFieldType.Integer, false, "1単位あたりの枚数 (例: 1箱 2,500枚)", Synonyms: ["入数", "入り数", "1箱あたり枚数", "単位枚数"], Example: "2500"),
    ];

    /// <inheritdoc />
    public ImportKindInfo Info { get; } = new(Name, "庁内の用紙使用量 (用紙購入実績)", PaperlessModuleInfo.DisplayName,
        "用紙の購入実績。年度ごとに枚数を合計し、その年度の庁内の用紙使用量として記録します (ファイルにある年度だけを置き換えます)。紙の削減量は令和元年度との差です。",
        Fields, PaperlessImportKinds.Feed, [Roles.PlanOffice, Roles.Administrator], "/paperless");

    /// <inheritdoc />
    public Task<IImportSession> BeginAsync(ImportContext context, CancellationToken ct) =>
        Task.FromResult<IImportSession>(new Session(db, context, clock));

    private sealed class Session(PaperlessDbContext db, ImportContext context, TimeProvider clock) : IImportSession
    {
        private readonly Dictionary<int, (long Sheets, int FirstLine)> _years = [];

        public DbContext Database => db;

        public void Check(ImportRow row)
        {
            int? year = null;
            var yearText = row.Text("fiscal_year");
            if (yearText.Length > 0)
            {
                if (FiscalYear.TryParse(yearText, out var fy)) year = fy.StartYear;
                else row.Error("fiscal_year", $"年度として読めません: {ImportValues.Shorten(yearText)} (例: 2023, 令和5年度)");
            }
            else if (row.Date("purchased_on", required: false) is { } on) year = FiscalYear.Of(on).StartYear;
            else row.Error("purchased_on", "購入日か年度のどちらかを入力してください。");

            long? sheets = null;
            if (row.Text("sheets").Length > 0) sheets = row.Integer("sheets", 0, PaperlessRules.MaxSheetsPerYear);
            else if (row.Text("quantity").Length > 0 || row.Text("sheets_per_unit").Length > 0)
            {
                var quantity = row.Decimal("quantity", 0, 1_000_000);
                var perUnit = row.Integer("sheets_per_unit", 1, 100_000);
                if (quantity is { } q && perUnit is { } u)
                {
                    var total = q * u;
                    if (total != decimal.Truncate(total)) row.Error("quantity", $"数量 × 入数 ({q:0.##} × {u:N0}) が整数の枚数になりません。");
                    else sheets = (long)total;
                }
            }
            else row.Error("sheets", "枚数か、数量と入数を入力してください。");
            if (year is null || sheets is null) return;
            var (sum, first) = _years.GetValueOrDefault(year.Value, (0, row.Line));
            _years[year.Value] = (sum + sheets.Value, first);
        }

        public Task CompleteAsync(CancellationToken ct)
        {
            var today = clock.TodayInJapan();
            foreach (var (year, (sheets, line)) in _years.OrderBy(y => y.Key))
                foreach (var (_, message) in PaperlessRules.CheckPaperUse(year, sheets, "取込", today))
                    context.Errors.Add(line, $"{year}年度", $"{year}年度の合計 {sheets:N0}枚: {message}");
            return Task.CompletedTask;
        }

        public async Task<ImportCounts> WriteAsync(bool dryRun, Func<int, int, Task>? progress, CancellationToken ct)
        {
            var years = _years.Keys.ToList();
            var stored = await db.PaperUse.Where(p => years.Contains(p.FiscalYear)).ToDictionaryAsync(p => p.FiscalYear, ct);
            int added = 0, updated = 0;
            var now = clock.GetUtcNow();
            var note = "取込: " + ImportValues.Shorten(context.FileName);
            foreach (var (year, (sheets, _)) in _years)
            {
                if (!stored.TryGetValue(year, out var row))
                {
                    added++;
                    if (!dryRun) db.PaperUse.Add(new OfficePaperUse { FiscalYear = year, SheetsUsed = sheets, SourceNote = note, RecordedBy = context.User.Name, RecordedAt = now });
                    continue;
                }
                if (row.SheetsUsed == sheets) continue;
                updated++;
                if (!dryRun) (row.SheetsUsed, row.SourceNote, row.RecordedBy, row.RecordedAt) = (sheets, note, context.User.Name, now);
            }
            return new ImportCounts(added, updated);
        }
    }
}
