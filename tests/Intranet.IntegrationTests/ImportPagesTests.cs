using System.Net;
using System.Text;
using Intranet.IntegrationTests.Infrastructure;
using Intranet.Shared.Import;
using Intranet.Shared.Import.Data;
using Intranet.Shared.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Intranet.IntegrationTests;

/// <summary>
/// Issue #9, the import pages' endpoints and the flow the mapping and import pages drive, on both databases, with a test
/// kind shaped like an attendance export (職員番号, 勤務日, 勤務区分 as a choice, hours as 7:45): template downloads
/// (CSV/xlsx) authorized like the pages, the saved mapping's JSON download, the menu link for roles that may import,
/// and sample → suggestions → translations → save → check → background job through the use cases the pages call.
/// </summary>
public sealed class ImportPagesTests
{
    /// <summary>The test kind: nothing is stored; every valid row counts as added.</summary>
    public sealed class AttendanceKind(ImportDbContext db) : IImportKind
    {
        public const string Name = "test-attendance";

        public ImportKindInfo Info { get; } = new(Name, "勤怠 (試験用)", "試験", "勤怠システムの出力 (試験用の種類)。",
        [
            new ImportField("employee_number", "職員番号", ImportFieldType.Text, true, "職員番号", Synonyms: ["社員番号"], Example: "T001"),
            new ImportField("date", "勤務日", ImportFieldType.Date, true, "テレワークをした日", Example: "2025/05/07"),
            new ImportField("type", "勤務形態", ImportFieldType.Choice, true, "在宅・サテライト・モバイル", KnownValues: ["在宅", "サテライト", "モバイル"],
                Synonyms: ["勤務区分"], Example: "在宅"),
            new ImportField("hours", "時間数", ImportFieldType.Hours, false, "テレワークの時間", Synonyms: ["在宅勤務時間"], Example: "7:45"),
        ], null, [Roles.Administrator, Roles.HumanResources], "/telework");

        public Task<IImportSession> BeginAsync(ImportContext context, CancellationToken cancellationToken) =>
            Task.FromResult<IImportSession>(new Session(db));

        private sealed class Session(ImportDbContext db) : IImportSession
        {
            private int _rows;
            public DbContext Database => db;

            public void Check(ImportRow row)
            {
                row.Text("employee_number", required: true);
                row.Date("date");
                row.Choice("type", v => v is "在宅" or "サテライト" or "モバイル" ? (int?)v.Length : null, ["在宅", "サテライト", "モバイル"]);
                row.Hours("hours", 0, 24, required: false);
                _rows++;
            }

            public Task<ImportCounts> WriteAsync(bool dryRun, Func<int, int, Task>? progress, CancellationToken cancellationToken) =>
                Task.FromResult(new ImportCounts(_rows, 0));
        }
    }

    private static IntranetApp App(Db db) => new(db, s => s.AddImportKind<AttendanceKind>());

    /// <summary>An attendance export as HR systems write it: a title line, Japanese headers, 勤務区分 words, h:mm hours, Shift_JIS.</summary>
    public static byte[] AttendanceExport()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var text = "勤怠データ 2025年5月\r\n職員番号,氏名,勤務日,勤務区分,在宅勤務時間\r\n"
                   + "T001,職員 1号,2025/05/07,在宅勤務,7:45\r\nT002,職員 2号,2025/05/08,サテライト勤務,3:30\r\nT011,職員 11号,R7.5.9,モバイル勤務,7.75\r\n\r\n";
        return Encoding.GetEncoding(932).GetBytes(text);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Templates_download_as_csv_and_xlsx_for_users_who_may_import_the_kind(Db db)
    {
        using var app = App(db);
        var hr = await app.SignedInAsync(Roles.HumanResources);

        var csv = await hr.GetAsync($"/imports/{AttendanceKind.Name}/template.csv");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.StartsWith("text/csv", csv.Content.Headers.ContentType!.ToString());
        Assert.Equal($"{AttendanceKind.Name}-template.csv", csv.Content.Headers.ContentDisposition!.FileName?.Trim('"'));
        var bytes = await csv.Content.ReadAsByteArrayAsync();
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).ToList();
        Assert.Equal("employee_number,date,type,hours", lines[0]);
        Assert.Equal("T001,2025/05/07,在宅,7:45", lines[1]);

        var xlsx = await hr.GetAsync($"/imports/{AttendanceKind.Name}/template.xlsx");
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx.Content.Headers.ContentType!.MediaType);
        var workbook = await xlsx.Content.ReadAsByteArrayAsync();
        Assert.Equal("PK"u8.ToArray(), workbook[..2]);
        // The workbook reads back through the pipeline's own reader: the standard format's headers and the example row.
        var rows = TabularFile.Open(workbook, "template.xlsx", null).Rows().ToList();
        Assert.Equal(["employee_number", "date", "type", "hours"], rows[0].Cells);
        Assert.Equal("T001", rows[1].Cells[0]);

        Assert.Equal(HttpStatusCode.NotFound, (await hr.GetAsync($"/imports/{AttendanceKind.Name}/template.txt")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await hr.GetAsync("/imports/no-such-kind/template.csv")).StatusCode);

        // Authorized like the pages: a role that may import nothing is refused; a role that may import other kinds only gets 403.
        var viewer = await app.SignedInAsync(Roles.Viewer);
        var refused = await viewer.GetAsync($"/imports/{AttendanceKind.Name}/template.csv");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.StartsWith("/account/access-denied", refused.LocationPath());
        var anonymous = await app.NewClient().GetAsync($"/imports/{AttendanceKind.Name}/template.xlsx");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.StartsWith("/account/login", anonymous.LocationPath());
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task The_menu_links_the_import_pages_for_roles_that_may_import(Db db)
    {
        using var app = App(db);
        var hr = await app.SignedInAsync(Roles.HumanResources);
        var page = await hr.GetStringAsync("/imports");
        Assert.Contains("<a href=\"imports\"", page);
        Assert.Contains("勤怠 (試験用)", page);
        Assert.Contains($"/imports/{AttendanceKind.Name}/mappings/new", page);

        var viewer = await app.SignedInAsync(Roles.Viewer);
        Assert.DoesNotContain("データ取込", await viewer.GetStringAsync("/"));
        Assert.Equal(HttpStatusCode.Redirect, (await viewer.GetAsync("/imports")).StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task Hr_maps_an_attendance_export_saves_it_downloads_it_as_json_and_imports_with_it(Db db)
    {
        using var app = App(db);
        Task<T> AsHr<T>(MediatR.IRequest<T> request) => app.SendAsAsync(request, Roles.HumanResources, "人事課", "jinji@example.jp");
        var file = AttendanceExport();

        // What the mapping page shows after the upload: encoding, the header below the title line, suggested columns.
        var first = await AsHr(new PreviewImportFile(AttendanceKind.Name, file, "kintai.csv", new ImportMapping { Kind = AttendanceKind.Name, Name = "draft" }));
        Assert.Equal("Shift_JIS", first.EncodingName);
        Assert.Equal(2, first.HeaderLine);
        Assert.Equal(new Dictionary<string, string> { ["employee_number"] = "職員番号", ["date"] = "勤務日", ["type"] = "勤務区分", ["hours"] = "在宅勤務時間" },
            first.Suggestions.ToDictionary());
        var suggested = new ImportMapping
        {
            Kind = AttendanceKind.Name, Name = "draft",
            Fields = first.Suggestions.ToDictionary(s => s.Key, s => new FieldMapping { Column = s.Value }),
        };
        var second = await AsHr(new PreviewImportFile(AttendanceKind.Name, file, "kintai.csv", suggested));
        Assert.Equal(["サテライト勤務", "モバイル勤務", "在宅勤務"], second.Values["type"]);
        Assert.Equal(3, second.ErrorTotal);   // 勤務区分 not translated yet: one error per row, the true count

        // Three translations, a name, save.
        var mapping = suggested with
        {
            Name = "kintai-monthly", Description = "勤怠システムの月次出力",
            Fields = new(suggested.Fields)
            {
                ["type"] = new FieldMapping { Column = "勤務区分", Values = new() { ["在宅勤務"] = "在宅", ["サテライト勤務"] = "サテライト", ["モバイル勤務"] = "モバイル" } },
            },
        };
        var preview = await AsHr(new PreviewImportFile(AttendanceKind.Name, file, "kintai.csv", mapping));
        Assert.Equal(0, preview.ErrorTotal);
        Assert.Equal(3, preview.Result!.Rows);
        await AsHr(new SaveMapping(mapping));

        // Export as JSON (the 「JSONで書き出す」 link): the same mapping back.
        var client = await app.SignedInAsync(Roles.HumanResources);
        var json = await client.GetAsync($"/imports/{AttendanceKind.Name}/mapping.json?name=kintai-monthly");
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        var exported = ImportMapping.FromJson(await json.Content.ReadAsStringAsync(), "kintai-monthly.json");
        Assert.Equal(mapping.ToJson(), exported.ToJson());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/imports/{AttendanceKind.Name}/mapping.json?name=nope")).StatusCode);
        var viewer = await app.SignedInAsync(Roles.Viewer);
        Assert.Equal(HttpStatusCode.Redirect, (await viewer.GetAsync($"/imports/{AttendanceKind.Name}/mapping.json?name=kintai-monthly")).StatusCode);

        // The import page: 確認のみ, then 取り込む → the job page polls until it succeeds.
        var check = await AsHr(new StartImport(AttendanceKind.Name, file, "kintai.csv", "kintai-monthly", CheckOnly: true));
        Assert.Equal((3, 3, "Shift_JIS"), (check.Check!.Rows, check.Check.Added, check.Check.EncodingName));
        Assert.Null(check.JobId);
        var started = await AsHr(new StartImport(AttendanceKind.Name, file, "kintai.csv", "kintai-monthly", CheckOnly: false));
        var id = Assert.IsType<Guid>(started.JobId);
        ImportJobView? job = null;
        for (var i = 0; i < 100 && job?.State is not (ImportJobState.Succeeded or ImportJobState.Failed); i++)
        {
            await Task.Delay(100);
            job = await AsHr(new GetImportJob(id));
        }
        Assert.Equal(ImportJobState.Succeeded, job!.State);
        Assert.Equal(3, job.Rows);
        Assert.Equal("kintai-monthly", job.MappingName);
        Assert.Equal("/telework", job.ReturnUrl);

        // Kinds list for the index page: the saved mapping after the standard format.
        var kinds = await AsHr(new ListImportKinds());
        var kind = kinds.Single(k => k.Info.Kind == AttendanceKind.Name);
        Assert.True(kind.CanImport);
        Assert.Equal([ImportMapping.NativeName, "kintai-monthly"], kind.Mappings.Select(m => m.Name));

        // Delete (the editor's 「削除」 after confirmation).
        await AsHr(new DeleteMapping(AttendanceKind.Name, "kintai-monthly"));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/imports/{AttendanceKind.Name}/mapping.json?name=kintai-monthly")).StatusCode);
    }
}
