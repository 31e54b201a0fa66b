using System.Text;
using Intranet.IntegrationTests.Infrastructure;
using Intranet.Shared.Import;
using Intranet.Shared.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Intranet.IntegrationTests;

/// <summary>
/// No input crashes an import: a corpus of malformed files (overflowing numbers, binary files, empty files, a 10 MB
/// line, mixed encodings, wrong column counts, an unclosed quote, a broken workbook) goes through every registered
/// import kind in the standard format; each gives a clear rejection naming what is wrong and writes nothing. Also the
/// office-wide paper use kind end to end.
/// </summary>
public sealed class ImportCorpusTests
{
    private static readonly Encoding ShiftJis = CodePagesEncoding();

    private static Encoding CodePagesEncoding()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(932);
    }

    /// <summary>Malformed files for a kind whose standard headers are <paramref name="fields"/>.</summary>
    private static IEnumerable<(string Name, byte[] Content, string Expected)> Corpus(IReadOnlyList<ImportField> fields)
    {
        var header = string.Join(",", fields.Select(f => f.Name));
        string Row(string value) => string.Join(",", fields.Select(_ => value));
        yield return ("empty file", [], "ファイルが空です");
        yield return ("header only", Encoding.UTF8.GetBytes(header + "\r\n"), "データ行がありません");
        yield return ("binary", [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0xFF], "NUL");
        yield return ("UTF-16", Encoding.Unicode.GetBytes(header + "\r\n" + Row("1") + "\r\n"), "NUL");
        yield return ("mixed encodings", [.. Encoding.UTF8.GetBytes(header + "\r\n在宅,"), .. ShiftJis.GetBytes("在宅"), 0x81, 0x20, 0x0D, 0x0A], "文字コード");
        yield return ("broken workbook", [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00, 0x01, 0x02], "Excelファイルとして読めません");
        yield return ("overflowing numbers", Encoding.UTF8.GetBytes(header + "\r\n" + Row("99999999999999999999999999999999999999999") + "\r\n"), "行目");
        yield return ("too few columns", Encoding.UTF8.GetBytes(header + "\r\nA,B\r\n"), $"{fields.Count}列のうち2列しかありません");
        yield return ("unclosed quote", Encoding.UTF8.GetBytes(header + "\r\n\"" + new string('x', 100) + "\r\n" + Row("1") + "\r\n"), "");
        yield return ("10 MB line", Encoding.UTF8.GetBytes(header + "\r\n" + new string('あ', 3_500_000) + "," + Row("1") + "\r\n"), "");
        yield return ("no header", Encoding.UTF8.GetBytes("x,y,z\r\n1,2,3\r\n"), "");   // missing columns, or (all optional) every row incomplete
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Every_kind_rejects_every_malformed_file_clearly_and_writes_nothing(Db db)
    {
        using var app = new IntranetApp(db);
        List<IImportKind> kinds;
        using (var scope = app.Services.CreateScope()) kinds = scope.ServiceProvider.GetRequiredService<ImportPipeline>().Kinds.ToList();
        Assert.Equal(["meeting-bodies", "meeting-sessions", "paper-use", "plan-actuals", "rpa-cases", "rpa-runs", "staff", "telework-days"],
            kinds.Select(k => k.Info.Kind).Order(StringComparer.Ordinal));
        var before = await CountsAsync(app);
        var problems = new List<string>();
        foreach (var kind in kinds)
        {
            foreach (var (name, content, expected) in Corpus(kind.Info.Fields))
            {
                try
                {
                    await app.ImportAsync(kind.Info.Kind, content, "bad.csv");
                    problems.Add($"{kind.Info.Kind} / {name}: accepted");
                }
                catch (ImportRejectedException e)
                {
                    if (e.Total == 0 || e.Errors.Count == 0 || e.Errors.Any(x => string.IsNullOrWhiteSpace(x.Message)))
                        problems.Add($"{kind.Info.Kind} / {name}: no clear error");
                    else if (!e.Errors.Any(x => x.ToString().Contains(expected)))
                        problems.Add($"{kind.Info.Kind} / {name}: expected '{expected}', got {string.Join(" | ", e.Errors.Take(3))}");
                }
                catch (Exception e)
                {
                    problems.Add($"{kind.Info.Kind} / {name}: crashed with {e.GetType().Name}: {e.Message}");
                }
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Equal(before, await CountsAsync(app));
    }

    /// <summary>Rows of every module's data tables (and audit logs): nothing may change.</summary>
    private static async Task<string> CountsAsync(IntranetApp app)
    {
        using var scope = app.Services.CreateScope();
        var parts = new List<string>();
        foreach (var context in new DbContext[]
                 {
                     scope.ServiceProvider.GetRequiredService<Intranet.Modules.Rpa.Data.RpaDbContext>(),
                     scope.ServiceProvider.GetRequiredService<Intranet.Modules.Paperless.Data.PaperlessDbContext>(),
                     scope.ServiceProvider.GetRequiredService<Intranet.Modules.Telework.Data.TeleworkDbContext>(),
                     scope.ServiceProvider.GetRequiredService<Intranet.Modules.PlanKpi.Data.PlanKpiDbContext>(),
                 })
        {
            foreach (var entity in context.Model.GetEntityTypes().Where(t => t.GetTableName() is not null && !t.IsOwned()))
            {
                var set = (IQueryable<object>)context.GetType().GetMethod(nameof(DbContext.Set), Type.EmptyTypes)!.MakeGenericMethod(entity.ClrType).Invoke(context, null)!;
                parts.Add($"{entity.ClrType.Name}={await set.CountAsync()}");
            }
        }
        return string.Join(" ", parts);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Paper_purchase_records_give_each_years_office_wide_use_and_the_reduction_against_fy2019(Db db)
    {
        using var app = new IntranetApp(db);
        var mapping = new ImportMapping
        {
            Kind = "paper-use", Name = "zaimu",
            Fields = new() { ["purchased_on"] = new() { Column = "納品日" }, ["quantity"] = new() { Column = "数量" }, ["sheets_per_unit"] = new() { Column = "入数" } },
        };
        var file = ShiftJis.GetBytes("物品購入実績 (用紙)\r\n伝票番号,納品日,品名,数量,単位,入数\r\n" +
                                     "D001,2019/04/10,ＰＰＣ用紙Ａ４,2000,箱,2500\r\nD002,R2.3.5,ＰＰＣ用紙Ａ３,1940,箱,2500\r\n" +
                                     "D101,令和5年4月12日,ＰＰＣ用紙Ａ４,1800,箱,2500\r\nD102,2024/02/01,ＰＰＣ用紙Ａ４,1952,箱,2500\r\n");
        var result = await app.ImportAsync(mapping, file, "購入実績.csv");
        Assert.Equal((4, 2, 0), (result.Rows, result.Added, result.Updated));
        var planOffice = await app.SignedInAsync(Roles.PlanOffice);
        // FY2019: 3,940 boxes = 9,850,000 sheets; FY2023: 3,752 boxes = 9,380,000: 470,000 fewer.
        Assert.Equal(470000m, await planOffice.ActualAsync(PaperlessTest.SheetsSaved, 2023));
        Assert.Null(await planOffice.ActualAsync(PaperlessTest.SheetsSaved, 2022));   // no use recorded: not measured

        // A year not yet ended is refused by the same rule as the form; nothing of the file is written.
        var future = Encoding.UTF8.GetBytes("納品日,数量,入数\n2023/05/01,1,2500\n2026/05/01,1,2500\n");
        var e = await Assert.ThrowsAsync<ImportRejectedException>(() => app.ImportAsync(mapping, future, "購入実績.csv"));
        Assert.Contains("2026年度", Assert.Single(e.Errors).Message);
        Assert.Equal(470000m, await planOffice.ActualAsync(PaperlessTest.SheetsSaved, 2023));
    }
}
