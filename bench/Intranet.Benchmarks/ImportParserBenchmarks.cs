using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Intranet.Modules.Telework.Domain;
using Intranet.Modules.Telework.Import;
using Intranet.Shared.Import;

namespace Intranet.Benchmarks;

/// <summary>
/// The shared import parser on a telework-days CSV of 100,000 rows (UTF-8, the module's standard format, about 3.4 MB):
/// reading the cells (<see cref="TabularFile"/>), and reading them as the telework-days import checks them
/// (<see cref="MappedFile"/> with the standard mapping, each row's fields parsed and validated through <see cref="ImportRow"/>).
/// Memory is reported per operation (<c>MemoryDiagnoser</c>): streaming keeps it flat in the number of rows.
/// </summary>
[MemoryDiagnoser]
public class ImportParserBenchmarks
{
    /// <summary>Rows in the generated file.</summary>
    public const int Rows = 100_000;

    private byte[] _csv = [];

    /// <summary>Writes the CSV (deterministic): 500 staff, weekdays of FY2023, the three telework types.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(12);
        var text = new StringBuilder("employee_number,date,type,hours,day_fraction,manager_trial\n");
        string[] types = ["在宅", "サテライト", "モバイル"];
        var day = new DateOnly(2023, 4, 3);
        for (var i = 0; i < Rows; i++)
        {
            if (i % 400 == 399) day = day.AddDays(day.DayOfWeek == DayOfWeek.Friday ? 3 : 1);
            text.Append(CultureInfo.InvariantCulture, $"B{i % 500 + 1:D6},{day:yyyy-MM-dd},{types[random.Next(3)]},,{(random.Next(5) == 0 ? "0.5" : "1")},0\n");
        }
        _csv = Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>Every row's cells (CsvHelper under <see cref="TabularFile"/>, encoding detection included).</summary>
    [Benchmark]
    public int TabularFileRows()
    {
        var cells = 0;
        foreach (var row in TabularFile.Open(_csv, "telework-days.csv").Rows()) cells += row.Cells.Length;
        return cells;
    }

    /// <summary>Every row through the standard mapping, the fields read and checked as the telework-days import does.</summary>
    [Benchmark]
    public int MappedFileTeleworkDays()
    {
        var errors = new ImportErrors();
        var mapping = ImportMapping.Native(TeleworkImports.Days, TeleworkDayImportKind.Fields);
        var file = MappedFile.Open(TabularFile.Open(_csv, "telework-days.csv"), mapping, TeleworkDayImportKind.Fields, errors);
        var valid = 0;
        foreach (var row in file.Rows())
        {
            var number = row.Text("employee_number");
            var date = row.Date("date");
            var type = row.Choice("type", TeleworkRules.ParseType, ["在宅", "サテライト", "モバイル"]);
            var fraction = row.Decimal("day_fraction", 0, 1);
            var trial = row.Flag("manager_trial");
            if (number.Length > 0 && date is not null && type is not null && fraction is not null && trial is not null) valid++;
        }
        if (errors.Total > 0) throw new InvalidOperationException(errors.First[0].ToString());
        return valid;
    }
}
