using System.Net;
using System.Text;
using Intranet.IntegrationTests.Infrastructure;
using static Intranet.IntegrationTests.RpaTest;

namespace Intranet.IntegrationTests;

/// <summary>
/// The finding end to end: a case title <c>=HYPERLINK(…)</c> proposed by a department reached the CIO's
/// <c>cases.csv</c> as a formula. Text typed by users goes through an import into the registry and out through the real
/// download; no cell of the file may start with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or CR, and the text itself is
/// kept behind the neutralising quote.
/// </summary>
public sealed class CsvInjectionExportTests
{
    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Hostile_text_in_the_registry_leaves_cases_csv_neutralised(Db db)
    {
        using var app = new IntranetApp(db);
        var sample = AppData.ParseLine(SampleLines("rpa-cases.csv").Single(l => l.StartsWith("RPA-006,", StringComparison.Ordinal)));
        sample[1] = "=HYPERLINK(\"http://evil.example\",\"詳細\")";
        sample[2] = "@SUM(1+1)";
        await app.ImportCasesAsync(Utf8(CasesHeader, string.Join(",", sample.Select(Quote))));

        var cio = await app.SignedInAsync("Cio");
        var response = await cio.GetAsync("/rpa/export/cases.csv");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync()).TrimStart('\uFEFF');
        var rows = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => AppData.ParseLine(l.TrimEnd('\r'))).ToList();
        var cells = rows.Skip(1).SelectMany(r => r).ToList();
        Assert.NotEmpty(cells);
        Assert.DoesNotContain(cells, c => c.Length > 0 && "=+-@\t\r".Contains(c[0]));
        Assert.Contains("'=HYPERLINK(\"http://evil.example\",\"詳細\")", cells);
        Assert.Contains("'@SUM(1+1)", cells);
    }

    private static string Quote(string value) => "\"" + value.Replace("\"", "\"\"") + "\"";
}
