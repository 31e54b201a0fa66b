using System.Text;
using Intranet.Host.Identity;
using Intranet.Host.Infrastructure;
using Intranet.Modules.PlanKpi.Export;
using Intranet.Modules.PlanKpi.Import;
using Intranet.Modules.PlanKpi.UseCases;
using Intranet.Shared.Import;
using Intranet.Shared.Messaging;
using Intranet.Shared.Modules;
using MediatR;

namespace Intranet.Host.CommandLine;

/// <summary>
/// The host's admin verbs (<c>dotnet run --project Host/Intranet.Host -- VERB …</c>). Each prepares the
/// database as the web host would (migrations, roles, first administrator, bundled plans on a new
/// database), does its work, and exits 0, or prints a Japanese message to standard error and exits 1
/// (2 for a usage error).
/// </summary>
public static partial class AdminCommands
{
    private const string Usage = """
        使い方: Intranet.Host <コマンド> [オプション]
          migrate                                   データベースを最新の構造に移行します
          migrate --script [--provider Sqlite|PostgreSql|SqlServer] [--out FILE]
                                                    データベースに接続せず、全モジュールの構造 (DDL) を SQL スクリプトとして書き出します (DBA が確認して実行)
          backup --out FILE                         データベースをバックアップします (SQLite: 動作中でも一貫したコピー、PostgreSQL: pg_dump)
          restore FILE [--force]                    バックアップから復元します (データがあるときは --force が必要。ホストは停止してから)
          import-plan FILE                          計画ファイル (JSON) を取り込みます (全件成功か、何も書き込まないかのどちらか)
          create-user --email E --password P --role R [--role R2 …] [--department D] [--name 表示名] [--must-change-password]
                                                    利用者を作成します (ロール: Administrator, Cio, PlanOffice, RpaTeam, HumanResources, MeetingOrganizer, Department, Viewer)
          set-user --email E [--role R …] [--department D] [--name 表示名]
                                                    利用者のロール・所属課・表示名を変更します (指定しなかった項目はそのまま。--department= で所属を外します)
          disable-user --email E                    利用者を無効にします (ログインできなくなります)
          enable-user --email E                     無効にした利用者を有効に戻します (ロックも解除します)
          reset-password --email E                  パスワードを再発行して一度だけ表示します (次回ログイン時に変更が必要です)
          list-users                                利用者の一覧 (メールアドレス・表示名・所属・ロール・状態・最終ログイン) をタブ区切りで書き出します
          export-kpis [--plan CODE] [--format csv|json]
                                                    指標と年度ごとの目標・実績・達成率・状況を標準出力に書き出します
          export-evaluation --plan CODE --fy YEAR [--format csv|xlsx] [--out FILE]
                                                    評価 (進行管理) の事業・段階ごとの評価・判断・コメントを書き出します (csv は既定で標準出力、xlsx は --out が必要)
          import KIND FILE [--mapping NAME | --mapping-file MAPPING.json] [--sheet シート名] [--dry-run]
                                                    CSV (UTF-8 / Shift_JIS) または Excel (.xlsx) を取り込みます (KIND は mappings list で確認)。
                                                    誤りが1行でもあれば何も書き込みません (誤りはすべて数え、先頭から行・列・理由を表示します)
          mappings list [KIND]                      取込の種類と保存済みの対応付けを一覧します
          mappings export KIND NAME [--output FILE] 対応付けを JSON で書き出します (既定は標準出力)
          mappings import FILE [FILE …]             JSON の対応付けを登録します (同じ種類・名前は置き換え。1つでも誤りがあれば何も登録しません)
          seed-demo                                 各モジュールのデモ用サンプルデータを読み込みます
        """;

    private static readonly string[] Verbs = ["migrate", "import-plan", "import", "mappings", "create-user", "export-kpis", "export-evaluation", "seed-demo", "help", "--help",
        "set-user", "disable-user", "enable-user", "reset-password", "list-users", "backup", "restore"];

    /// <summary>Whether <paramref name="args"/> starts with an admin verb (anything else starts the web host).</summary>
    public static bool IsCommand(string[] args) => args.Length > 0 && Verbs.Contains(args[0]);

    /// <summary>Runs the verb and returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var verb = args[0];
        if (verb is "help" or "--help")
        {
            Console.WriteLine(Usage);
            return 0;
        }
        ParsedArgs parsed;
        try
        {
            parsed = ParsedArgs.Parse(args.Skip(1).ToArray());
        }
        catch (UsageException e)
        {
            await Console.Error.WriteLineAsync(e.Message + "\n" + Usage);
            return 2;
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = parsed.HostArgs.ToArray() });
        // Standard output carries the command's result (e.g. the CSV of export-kpis): logs go to standard error.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Error",
        });
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.AddIntranet(ModuleCatalog.Create());
        await using var app = builder.Build();
        try
        {
            if (IsDatabaseVerb(verb, parsed)) return await RunDatabaseVerbAsync(app.Services, verb, parsed);
            await StartupInitializer.InitializeAsync(app.Services, app.Configuration, CancellationToken.None);
            using var scope = app.Services.CreateScope();
            var sp = scope.ServiceProvider;
            switch (verb)
            {
                case "migrate":
                    Console.WriteLine("データベースは最新です。");
                    return 0;
                case "import-plan":
                    return await ImportPlanAsync(sp, parsed);
                case "import":
                    return await ImportAsync(sp, parsed);
                case "mappings":
                    return await MappingsAsync(sp, parsed);
                case "create-user":
                    return await CreateUserAsync(sp, parsed);
                case var v when UserVerbs.Contains(v):
                    return await RunUserVerbAsync(sp, verb, parsed, Console.Out, Console.Error);
                case "export-kpis":
                    return await ExportKpisAsync(sp, parsed);
                case "export-evaluation":
                {
                    await using var stdout = Console.OpenStandardOutput();
                    return await ExportEvaluationAsync(sp, parsed, stdout, Console.Error);
                }
                case "seed-demo":
                    foreach (var seeder in sp.GetServices<IDemoDataSeeder>().OrderBy(s => s.Order))
                        Console.WriteLine(await seeder.SeedAsync(CancellationToken.None));
                    return 0;
            }
        }
        catch (UsageException e)
        {
            await Console.Error.WriteLineAsync(e.Message + "\n" + Usage);
            return 2;
        }
        catch (ImportRejectedException e)
        {
            await Console.Error.WriteLineAsync("エラー: " + e.Message);
            return 1;
        }
        catch (Exception e) when (e is PlanFileException or InvalidOperationException or NotFoundException or RequestValidationException
                                      or ForbiddenException or IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync("エラー: " + e.Message);
            return 1;
        }
        return 2;
    }

    private static async Task<int> ImportPlanAsync(IServiceProvider sp, ParsedArgs a)
    {
        var path = a.Positional.SingleOrDefault() ?? throw new UsageException("import-plan には取り込むファイルを1つ指定してください。");
        if (!File.Exists(path)) throw new IOException($"ファイル {path} が見つかりません。");
        await using var stream = File.OpenRead(path);
        var result = await sp.GetRequiredService<IMediator>().Send(new ImportPlan(Path.GetFileName(path), stream));
        Console.WriteLine($"{(result.Created ? "登録" : "更新")}しました: {result.PlanCode} (基本方針 {result.Policies}, 施策 {result.Measures}, " +
                          $"事業 {result.Projects}, 指標 {result.Indicators}, 目標値 {result.Targets})");
        return 0;
    }

    private static async Task<int> ImportAsync(IServiceProvider sp, ParsedArgs a)
    {
        var pipeline = sp.GetRequiredService<ImportPipeline>();
        var kinds = string.Join(", ", pipeline.Kinds.Select(k => k.Info.Kind));
        if (a.Positional.Count != 2) throw new UsageException($"import には種類とファイルを指定してください (種類: {kinds})。");
        var (name, path) = (a.Positional[0], a.Positional[1]);
        var kind = pipeline.Find(name) ?? throw new UsageException($"取込の種類 {name} は不明です (種類: {kinds})。");
        if (!File.Exists(path)) throw new IOException($"ファイル {path} が見つかりません。");
        if (a.Single("mapping") is not null && a.Single("mapping-file") is not null) throw new UsageException("--mapping と --mapping-file はどちらか一方を指定してください。");
        ImportMapping mapping;
        if (a.Single("mapping-file") is { } mappingFile)
        {
            if (!File.Exists(mappingFile)) throw new IOException($"ファイル {mappingFile} が見つかりません。");
            mapping = ImportMapping.FromJson(await File.ReadAllTextAsync(mappingFile), Path.GetFileName(mappingFile));
        }
        else
        {
            mapping = await pipeline.MappingAsync(kind.Info, a.Single("mapping"), Path.GetFileName(path), CancellationToken.None);
        }
        if (a.Single("sheet") is { } sheet) mapping = mapping with { Sheet = sheet };
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var result = await pipeline.RunAsync(kind, await File.ReadAllBytesAsync(path), Path.GetFileName(path), mapping, a.Flag("dry-run"),
            (done, total) =>
            {
                Console.Error.Write($"\r書き込み中: {done:N0} / {total:N0} 行");
                return Task.CompletedTask;
            }, CancellationToken.None);
        Console.Error.WriteLine();
        // The import's own time (reading, checking, writing, reporting to the plan), without the process start-up:
        // bench/run.sh compares it with the bulk insert of the same rows.
        Console.Error.WriteLine(ImportResult.ElapsedLine(System.Diagnostics.Stopwatch.GetElapsedTime(started)));
        Console.WriteLine(result);
        return 0;
    }

    private static async Task<int> MappingsAsync(IServiceProvider sp, ParsedArgs a)
    {
        var pipeline = sp.GetRequiredService<ImportPipeline>();
        var mediator = sp.GetRequiredService<IMediator>();
        var sub = a.Positional.FirstOrDefault() ?? throw new UsageException("mappings には list / export / import を指定してください。");
        switch (sub)
        {
            case "list":
            {
                var only = a.Positional.ElementAtOrDefault(1);
                if (only is not null && pipeline.Find(only) is null)
                    throw new UsageException($"取込の種類 {only} は不明です (種類: {string.Join(", ", pipeline.Kinds.Select(k => k.Info.Kind))})。");
                foreach (var kind in await mediator.Send(new ListImportKinds()))
                {
                    if (only is not null && kind.Info.Kind != only) continue;
                    Console.WriteLine($"{kind.Info.Kind}\t{kind.Info.Label}\t{kind.Info.Module}");
                    foreach (var m in kind.Mappings) Console.WriteLine($"  {m.Name}\t{m.Description}");
                }
                return 0;
            }
            case "export":
            {
                if (a.Positional.Count != 3) throw new UsageException("mappings export には種類と名前を指定してください (例: mappings export telework-days kintai-monthly)。");
                var kind = pipeline.Find(a.Positional[1]) ?? throw new UsageException($"取込の種類 {a.Positional[1]} は不明です。");
                var json = (await pipeline.MappingAsync(kind.Info, a.Positional[2], a.Positional[2], CancellationToken.None)).ToJson();
                if (a.Single("output") is { } output)
                {
                    await File.WriteAllTextAsync(output, json + "\n", new UTF8Encoding(false));
                    Console.Error.WriteLine($"{output} に書き出しました。");
                }
                else Console.WriteLine(json);
                return 0;
            }
            case "import":
            {
                var files = a.Positional.Skip(1).ToList();
                if (files.Count == 0) throw new UsageException("mappings import には JSON ファイルを1つ以上指定してください。");
                var mappings = new List<ImportMapping>();
                var errors = new List<ImportError>();
                foreach (var file in files)
                {
                    if (!File.Exists(file)) throw new IOException($"ファイル {file} が見つかりません。");
                    var mapping = ImportMapping.FromJson(await File.ReadAllTextAsync(file), Path.GetFileName(file));
                    var kind = pipeline.Find(mapping.Kind);
                    if (kind is null) errors.Add(new ImportError(0, Path.GetFileName(file), $"取込の種類「{mapping.Kind}」はありません。"));
                    else errors.AddRange(mapping.Check(kind.Info.Fields).Select(p => new ImportError(0, Path.GetFileName(file), p)));
                    mappings.Add(mapping);
                }
                if (errors.Count > 0) throw new ImportRejectedException(string.Join(", ", files.Select(Path.GetFileName)), errors);
                foreach (var mapping in mappings)
                {
                    await pipeline.SaveMappingAsync(mapping, CancellationToken.None);
                    Console.WriteLine($"登録しました: {mapping.Kind} / {mapping.Name}");
                }
                return 0;
            }
            default:
                throw new UsageException($"mappings {sub} は不明です (list / export / import)。");
        }
    }

    private static async Task<int> CreateUserAsync(IServiceProvider sp, ParsedArgs a)
    {
        var email = a.Single("email") ?? throw new UsageException("--email は必須です。");
        var password = a.Single("password") ?? throw new UsageException("--password は必須です。");
        var roles = a.Many("role").SelectMany(r => r.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        if (roles.Count == 0) throw new UsageException("--role を1つ以上指定してください。");
        ApplicationUser user;
        try
        {
            user = await sp.GetRequiredService<UserAdministration>().CreateUserAsync(email, password, roles, a.Single("department"),
                a.Single("name"), mustChangePassword: a.Flag("must-change-password"));
        }
        catch (UserAdministrationException e)
        {
            throw new InvalidOperationException(e.Message + OptionHint(e.Field), e);
        }
        Console.WriteLine($"利用者 {user.Email} を作成しました (ロール: {string.Join(", ", roles)}{(user.Department is null ? "" : ", 所属: " + user.Department)})。");
        return 0;
    }

    private static async Task<int> ExportKpisAsync(IServiceProvider sp, ParsedArgs a)
    {
        var format = a.Single("format") ?? "csv";
        if (format is not ("csv" or "json")) throw new UsageException($"--format は csv か json です ('{format}' は使えません)。");
        var mediator = sp.GetRequiredService<IMediator>();
        var codes = a.Single("plan") is { } code ? [code] : (await mediator.Send(new ListPlans())).Select(p => p.Code).ToList();
        var rows = new List<KpiExportRow>();
        foreach (var c in codes) rows.AddRange(KpiExport.Rows(await mediator.Send(new GetPlanSnapshot(c))));
        await using var stdout = Console.OpenStandardOutput();
        if (format == "json")
        {
            KpiExport.WriteJson(stdout, rows);
            await stdout.WriteAsync("\n"u8.ToArray());
        }
        else
        {
            await using var writer = new StreamWriter(stdout, new UTF8Encoding(false));
            KpiExport.WriteCsv(writer, rows);
        }
        return 0;
    }

    private sealed class UsageException(string message) : Exception(message);

    /// <summary>Options (<c>--name value</c>, <c>--name=value</c>, flags) and positional arguments. Host settings
    /// such as <c>--Database:Provider=PostgreSql</c> (containing ':') pass through to configuration.</summary>
    private sealed class ParsedArgs
    {
        private readonly Dictionary<string, List<string>> _options = new(StringComparer.OrdinalIgnoreCase);
        public List<string> Positional { get; } = [];
        public List<string> HostArgs { get; } = [];
        private static readonly string[] Flags = ["must-change-password", "dry-run", "script", "force"];

        public static ParsedArgs Parse(string[] args)
        {
            var p = new ParsedArgs();
            for (var i = 0; i < args.Length; i++)
            {
                var arg = args[i];
                if (!arg.StartsWith("--", StringComparison.Ordinal)) { p.Positional.Add(arg); continue; }
                var body = arg[2..];
                string name, value;
                var eq = body.IndexOf('=');
                if (eq >= 0) { name = body[..eq]; value = body[(eq + 1)..]; }
                else if (Flags.Contains(body)) { name = body; value = "true"; }
                else
                {
                    if (i + 1 >= args.Length) throw new UsageException($"--{body} に値がありません。");
                    name = body; value = args[++i];
                }
                if (name.Contains(':')) { p.HostArgs.Add($"--{name}={value}"); continue; }
                if (!p._options.TryGetValue(name, out var list)) p._options[name] = list = [];
                list.Add(value);
            }
            return p;
        }

        public string? Single(string name) => _options.TryGetValue(name, out var v) ? v[^1] : null;
        public IReadOnlyList<string> Many(string name) => _options.TryGetValue(name, out var v) ? v : [];
        public bool Flag(string name) => _options.ContainsKey(name);
    }
}
