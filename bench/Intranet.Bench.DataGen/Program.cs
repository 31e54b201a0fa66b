using System.Globalization;
using System.Text;

// The benchmark's data set (bench/run.sh), written in the modules' standard import formats (headers = field names,
// as the templates at /imports/{kind}/template.csv), deterministic for a seed.
//
//   dotnet Intranet.Bench.DataGen.dll --scale N --out DIR [--seed 12]
//
// At scale N (1 = a city's volume, 10 = issue #12's volume) DIR/large/ holds
//   staff.csv              N × 1,000 staff (8 % at workplaces outside telework: こども園, 幼稚園, 消防署)
//   telework-days.csv      N × 200,000 days over FY2021–FY2025 (weekdays; 85 % of eligible staff telework)
//   rpa-cases.csv          N × 200 cases in production, bound to hadano-ict-2021 / 2-1-(1)
//   rpa-runs.csv           N × 20,000 runs
//   meeting-bodies.csv     N × 50 meeting bodies
//   meeting-sessions.csv   N × 2,000 sessions
// DIR/small/ holds the same master data (staff, cases, bodies) and 10,000 telework days, with runs and sessions cut
// by the same fraction (the "at 10k rows"): the page-time baseline.
// DIR/first-day.csv, DIR/new-day-1.csv … new-day-5.csv and DIR/new-day-cli.csv are each a new telework day that is in
// neither set: the first day of FY2025 of people who never teleworked, different people in every file, so that adding
// any file changes the plan's participation figure (the first is the host's first day after start-up, the five the
// measured ones, the last the command line's). One person per file up to 1,000 eligible staff (a city's volume), one
// more per further 1,000, since the rate is rounded to 0.1 % and one person of 9,000 would not move it.
// DIR/summary.txt lists the row counts.
var options = Options.Parse(args);
var gen = new Generator(options.Scale, options.Seed);
gen.Write(options.Out);
Console.WriteLine(File.ReadAllText(Path.Combine(options.Out, "summary.txt")));

internal sealed record Options(double Scale, string Out, int Seed)
{
    public static Options Parse(string[] args)
    {
        double scale = 10;
        string? output = null;
        var seed = 12;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--scale": scale = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--out": output = Next(); break;
                case "--seed": seed = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown argument {args[i]} (--scale N --out DIR [--seed S])");
            }
        }
        if (scale <= 0) throw new ArgumentException("--scale must be > 0");
        return new Options(scale, output ?? throw new ArgumentException("--out DIR is required"), seed);
    }
}

internal sealed class Generator(double scale, int seed)
{
    /// <summary>Telework days in the small data set (the "10k rows").</summary>
    private const int SmallDays = 10_000;
    private static readonly DateOnly First = new(2021, 4, 1);
    private static readonly DateOnly Last = new(2026, 3, 31);

    private static readonly string[] Departments =
    [
        "総務課", "職員課", "企画課", "財政課", "情報システム課", "広報広聴課", "市民税課", "資産税課", "納税課", "市民課",
        "保険年金課", "福祉総務課", "障害福祉課", "高齢介護課", "こども家庭支援課", "保育こども園課", "健康づくり課", "環境政策課",
        "環境資源対策課", "農業振興課", "商工観光課", "都市計画課", "建築指導課", "道路整備課", "下水道経営課", "会計課",
        "教育総務課", "学校教育課", "生涯学習課", "文化スポーツ課", "消防総務課", "警防課", "議会事務局", "選挙管理委員会事務局",
        "監査事務局", "危機管理課", "地域安全課", "行政経営課", "契約検査課", "デジタル推進課",
    ];
    private static readonly string[] FamilyNames = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田", "佐々木", "山口", "松本", "井上", "木村", "林", "清水", "山崎"];
    private static readonly string[] GivenNames = ["太郎", "花子", "大輔", "翔", "美咲", "健一", "陽子", "直樹", "由美", "拓也", "恵", "誠", "愛", "亮", "彩"];
    private static readonly string[] Tools = ["WinActor", "UiPath", "Power Automate", "BizRobo!"];
    private static readonly string[] Categories = ["庁議", "課長級以上出席の会議", "その他庁内会議", "議会内会議"];
    private static readonly string[] Formats = ["対面", "WEB", "ハイブリッド"];
    private static readonly string[] Materials = ["紙", "電子のみ", "紙と電子の併用"];

    private int Scaled(int perUnit) => Math.Max(1, (int)Math.Round(perUnit * scale));

    public void Write(string dir)
    {
        var random = new Random(seed);
        Directory.CreateDirectory(Path.Combine(dir, "large"));
        Directory.CreateDirectory(Path.Combine(dir, "small"));
        var summary = new StringBuilder();
        void Count(string file, int rows) => summary.AppendLine(CultureInfo.InvariantCulture, $"{file}\t{rows}");

        // Staff: all in service since before FY2021, so every generated day is inside their employment.
        var staffCount = Scaled(1_000);
        var staff = new List<(string Number, bool Eligible, bool Manager)>(staffCount);
        var staffRows = new List<string>(staffCount);
        for (var i = 0; i < staffCount; i++)
        {
            var number = $"B{i + 1:D6}";
            var department = Departments[random.Next(Departments.Length)];
            var roll = random.NextDouble();
            var (workplace, type) = roll switch
            {
                < 0.04 => ("さくら保育こども園", "こども園"),
                < 0.06 => ("みどり幼稚園", "幼稚園"),
                < 0.08 => ("中消防署", "消防署"),
                < 0.20 => ("西庁舎", "出先機関"),
                _ => ("本庁舎", "本庁"),
            };
            var category = random.NextDouble() < 0.8 ? "正規" : "会計年度任用";
            var manager = random.NextDouble() < 0.1;
            var from = new DateOnly(1995 + random.Next(26), 4, 1);
            staff.Add((number, roll >= 0.08, manager));
            staffRows.Add(Csv(number, FamilyNames[random.Next(FamilyNames.Length)] + " " + GivenNames[random.Next(GivenNames.Length)], department, workplace, type,
                category, Iso(from), manager ? "1" : "0", "", ""));
        }
        const string staffHeader = "employee_number,name,department,workplace,workplace_type,employment_category,active_from,manager,active_to,effective_from";
        WriteCsv(dir, "staff.csv", staffHeader, staffRows, staffRows);
        Count("staff.csv", staffRows.Count);

        // Telework days: distinct weekdays per teleworker, the file ordered by date as an attendance export is.
        var weekdays = new List<DateOnly>();
        for (var d = First; d <= Last; d = d.AddDays(1))
            if (d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)) weekdays.Add(d);
        var eligible = staff.Select((s, i) => (s, i)).Where(x => x.s.Eligible).Select(x => x.i).ToList();
        var teleworkers = eligible.Where(_ => random.NextDouble() < 0.85).ToList();
        // People without any day, for the new-day files (see the top): first-day, new-day-1…5, new-day-cli.
        string[] newDayFiles = ["first-day.csv", .. Enumerable.Range(1, 5).Select(k => $"new-day-{k}.csv"), "new-day-cli.csv"];
        var perFile = Math.Max(1, (eligible.Count + 999) / 1000);
        var nonTeleworkers = eligible.Except(teleworkers).Take(newDayFiles.Length * perFile).ToList();
        while (nonTeleworkers.Count < newDayFiles.Length * perFile) { nonTeleworkers.Add(teleworkers[^1]); teleworkers.RemoveAt(teleworkers.Count - 1); }
        var dayCount = Scaled(200_000);
        if (dayCount > (long)teleworkers.Count * weekdays.Count) throw new InvalidOperationException("too many days for the staff");
        var days = new List<(int Date, int Staff)>(dayCount);
        var indices = Enumerable.Range(0, weekdays.Count).ToArray();
        for (var t = 0; t < teleworkers.Count; t++)
        {
            var share = dayCount / teleworkers.Count + (t < dayCount % teleworkers.Count ? 1 : 0);
            for (var k = 0; k < share; k++)   // partial Fisher–Yates: share distinct weekdays
            {
                var j = k + random.Next(indices.Length - k);
                (indices[k], indices[j]) = (indices[j], indices[k]);
                days.Add((indices[k], teleworkers[t]));
            }
        }
        days.Sort();
        var dayRows = new List<string>(days.Count);
        foreach (var (date, s) in days)
        {
            var type = random.NextDouble() switch { < 0.7 => "在宅", < 0.85 => "サテライト", _ => "モバイル" };
            var fraction = random.NextDouble() < 0.2 ? "0.5" : "1";
            var trial = staff[s].Manager && random.NextDouble() < 0.3 ? "1" : "0";
            dayRows.Add(Csv(staff[s].Number, Iso(weekdays[date]), type, "", fraction, trial));
        }
        var smallDays = Every(dayRows, Math.Min(SmallDays, dayRows.Count));
        var fraction2 = (double)smallDays.Count / dayRows.Count;
        const string dayHeader = "employee_number,date,type,hours,day_fraction,manager_trial";
        WriteCsv(dir, "telework-days.csv", dayHeader, dayRows, smallDays);
        Count("telework-days.csv", dayRows.Count);
        Count("small/telework-days.csv", smallDays.Count);
        for (var slot = 0; slot < newDayFiles.Length; slot++)
            File.WriteAllText(Path.Combine(dir, newDayFiles[slot]), dayHeader + "\n" + string.Concat(nonTeleworkers.Skip(slot * perFile).Take(perFile)
                .Select(i => Csv(staff[i].Number, "2025-06-06", "在宅", "", "1", "0") + "\n")), new UTF8Encoding(false));

        // RPA cases, all in production from FY2021's first half, so runs may fall anywhere after.
        var caseCount = Scaled(200);
        var cases = new List<(string Code, DateOnly From)>(caseCount);
        var caseRows = new List<string>(caseCount);
        for (var i = 0; i < caseCount; i++)
        {
            var code = $"RPA-B{i + 1:D5}";
            var from = First.AddDays(random.Next(180));
            var manual = 2 + random.Next(8);
            cases.Add((code, from));
            caseRows.Add(Csv(code, $"業務 {i + 1} の自動化", $"業務 {i + 1} の定型入力と照合", Departments[random.Next(Departments.Length)], Tools[random.Next(Tools.Length)],
                $"ロボット{i + 1:D5}", "情報システム課 RPA担当", "hadano-ict-2021", "2-1-(1)", "本番稼働", Iso(from), Iso(from),
                (12 + random.Next(240)).ToString(CultureInfo.InvariantCulture), (10 + random.Next(900)).ToString(CultureInfo.InvariantCulture),
                manual.ToString(CultureInfo.InvariantCulture), "0.5"));
        }
        const string caseHeader = "code,title,business_process,department,tool,robot,contact,plan_code,project_code,status,status_date,assessment_from,executions_per_year,items_per_execution,manual_minutes_per_item,robot_minutes_per_item";
        WriteCsv(dir, "rpa-cases.csv", caseHeader, caseRows, caseRows);
        Count("rpa-cases.csv", caseRows.Count);

        var runCount = Scaled(20_000);
        var runs = new List<(DateTime Start, string Row)>(runCount);
        for (var i = 0; i < runCount; i++)
        {
            var (code, from) = cases[i % cases.Count];
            var span = Last.DayNumber - from.DayNumber;
            var start = from.AddDays(random.Next(span)).ToDateTime(new TimeOnly(8 + random.Next(10), random.Next(60)));
            var ok = random.NextDouble() < 0.95;
            var end = start.AddMinutes(5 + random.Next(120));
            runs.Add((start, Csv(code, $"{code}-{i + 1:D7}", Stamp(start), Stamp(end), ok ? "success" : "failure",
                (ok ? 1 + random.Next(1000) : 0).ToString(CultureInfo.InvariantCulture))));
        }
        var runRows = runs.OrderBy(r => r.Start).Select(r => r.Row).ToList();
        var smallRuns = Every(runRows, Math.Max(1, (int)Math.Round(runRows.Count * fraction2)));
        WriteCsv(dir, "rpa-runs.csv", "case,run_id,started_at,ended_at,outcome,items", runRows, smallRuns);
        Count("rpa-runs.csv", runRows.Count);
        Count("small/rpa-runs.csv", smallRuns.Count);

        // Meeting bodies and their sessions: distinct dates per body over the five years.
        var bodyCount = Scaled(50);
        var bodyRows = new List<string>(bodyCount);
        for (var i = 0; i < bodyCount; i++)
            bodyRows.Add(Csv($"MTG-B{i + 1:D5}", $"会議体 {i + 1}", Categories[random.Next(Categories.Length)], Departments[random.Next(Departments.Length)],
                (5 + random.Next(40)).ToString(CultureInfo.InvariantCulture), (5 + random.Next(30)).ToString(CultureInfo.InvariantCulture), "2021-04-01"));
        WriteCsv(dir, "meeting-bodies.csv", "code,name,category,department,usual_attendees,sheets_per_attendee,baseline_from", bodyRows, bodyRows);
        Count("meeting-bodies.csv", bodyRows.Count);

        var sessionCount = Scaled(2_000);
        var sessions = new List<(int Date, string Row)>(sessionCount);
        var dates = Enumerable.Range(0, weekdays.Count).ToArray();
        for (var b = 0; b < bodyCount; b++)
        {
            var share = sessionCount / bodyCount + (b < sessionCount % bodyCount ? 1 : 0);
            for (var k = 0; k < share; k++)
            {
                var j = k + random.Next(dates.Length - k);
                (dates[k], dates[j]) = (dates[j], dates[k]);
                var attendees = 5 + random.Next(40);
                var paper = random.NextDouble() < 0.4;
                sessions.Add((dates[k], Csv($"MTG-B{b + 1:D5}", Iso(weekdays[dates[k]]), "1", Formats[random.Next(Formats.Length)],
                    paper ? Materials[random.Next(2) == 0 ? 0 : 2] : "電子のみ", attendees.ToString(CultureInfo.InvariantCulture),
                    (paper ? attendees * (5 + random.Next(20)) : 0).ToString(CultureInfo.InvariantCulture), random.NextDouble() < 0.3 ? "1" : "0", "")));
            }
        }
        var sessionRows = sessions.OrderBy(s => s.Date).Select(s => s.Row).ToList();
        var smallSessions = Every(sessionRows, Math.Max(1, (int)Math.Round(sessionRows.Count * fraction2)));
        WriteCsv(dir, "meeting-sessions.csv", "body,held_on,sequence,format,materials,attendees,sheets_printed,tablets,note", sessionRows, smallSessions);
        Count("meeting-sessions.csv", sessionRows.Count);
        Count("small/meeting-sessions.csv", smallSessions.Count);

        summary.AppendLine(CultureInfo.InvariantCulture, $"scale\t{scale}");
        summary.AppendLine(CultureInfo.InvariantCulture, $"seed\t{seed}");
        File.WriteAllText(Path.Combine(dir, "summary.txt"), summary.ToString());
    }

    /// <summary>An evenly spread subset of <paramref name="count"/> rows (every k-th), keeping the order.</summary>
    private static List<string> Every(List<string> rows, int count)
    {
        var result = new List<string>(count);
        for (var i = 0; i < count; i++) result.Add(rows[(int)((long)i * rows.Count / count)]);
        return result;
    }

    private static void WriteCsv(string dir, string name, string header, List<string> large, List<string> small)
    {
        foreach (var (sub, rows) in new[] { ("large", large), ("small", small) })
        {
            using var writer = new StreamWriter(Path.Combine(dir, sub, name), false, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
            writer.WriteLine(header);
            foreach (var row in rows) writer.WriteLine(row);
        }
    }

    private static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    private static string Stamp(DateTime t) => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>One CSV line; no generated value holds a comma, quote or line break, so no quoting is needed.</summary>
    private static string Csv(params string[] cells) => string.Join(',', cells);
}
