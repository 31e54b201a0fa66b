using System.Text.RegularExpressions;
using Intranet.Host.Infrastructure;
using Intranet.IntegrationTests.Infrastructure;
using Intranet.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.Extensions.DependencyInjection;

namespace Intranet.IntegrationTests;

/// <summary>
/// No SQL Server runs here, so the SQL Server DDL (<c>migrate --script --provider SqlServer</c>) is checked as text
/// against the SQL Server model of every context: tables, columns with their exact types and nullability, indexes,
/// IDENTITY, no unbounded string in a key or index, no SQLite/PostgreSQL syntax, balanced blocks.
/// </summary>
public sealed partial class SqlServerScriptTests : IClassFixture<SqlServerScriptTests.Host>
{
    /// <summary>One host (SQLite) for the class: scripts need the registrations and services, not a database.</summary>
    public sealed class Host : IDisposable
    {
        public IntranetApp App { get; } = new(Db.Sqlite);
        public DatabaseMigrator Migrator => App.Services.GetRequiredService<DatabaseMigrator>();
        public void Dispose() => App.Dispose();
    }

    private readonly Host _host;
    public SqlServerScriptTests(Host host) => _host = host;

    [Fact]
    public void Every_context_has_a_script_and_identity_comes_first()
    {
        var scripts = _host.Migrator.GenerateScripts(DatabaseProvider.SqlServer);
        var registrations = _host.App.Services.GetRequiredService<IEnumerable<ModuleDbContextRegistration>>().ToList();
        Assert.Equal(registrations.Count, scripts.Count);
        Assert.Equal("identity", scripts[0].Schema);
        Assert.All(scripts, s => Assert.Contains("CREATE TABLE [" + s.Schema + "].", s.Sql));
    }

    [Fact]
    public void Every_table_column_and_index_of_the_sql_server_model_is_in_the_script_with_its_type()
    {
        var script = ParsedScript.Parse(_host.Migrator.GenerateScript(DatabaseProvider.SqlServer));
        var problems = new List<string>();
        using var scope = _host.App.Services.CreateScope();
        var tables = 0;
        foreach (var registration in _host.Migrator.Ordered)
        {
            using var db = _host.Migrator.CreateContext(scope.ServiceProvider, registration, DatabaseProvider.SqlServer);
            Assert.True(db.Database.IsSqlServer());
            var model = db.GetService<IDesignTimeModel>().Model.GetRelationalModel();
            foreach (var table in model.Tables)
            {
                tables++;
                var name = $"{table.Schema}.{table.Name}";
                Assert.Equal(registration.Schema, table.Schema);
                if (!script.Columns.TryGetValue(name, out var columns)) { problems.Add($"table {name} missing"); continue; }
                foreach (var column in table.Columns)
                {
                    if (!columns.TryGetValue(column.Name, out var actual)) { problems.Add($"{name}.{column.Name} missing"); continue; }
                    if (!string.Equals(actual.Type, column.StoreType, StringComparison.OrdinalIgnoreCase))
                        problems.Add($"{name}.{column.Name}: script {actual.Type}, model {column.StoreType}");
                    if (actual.Nullable != column.IsNullable) problems.Add($"{name}.{column.Name}: script nullable={actual.Nullable}, model {column.IsNullable}");
                    var identity = column.PropertyMappings.Any(m => SqlServerPropertyExtensions.GetValueGenerationStrategy(m.Property, StoreObjectIdentifier.Table(table.Name, table.Schema))
                                                                    == SqlServerValueGenerationStrategy.IdentityColumn);
                    if (identity != actual.Identity) problems.Add($"{name}.{column.Name}: script IDENTITY={actual.Identity}, model {identity}");
                }
                foreach (var extra in columns.Keys.Except(table.Columns.Select(c => c.Name))) problems.Add($"{name}.{extra} in the script, not in the model");
                var primaryKey = string.Join(",", table.PrimaryKey?.Columns.Select(c => c.Name) ?? []);
                if (script.PrimaryKeys.GetValueOrDefault(name).Columns is var scripted && scripted != primaryKey && (scripted is not null || primaryKey != ""))
                    problems.Add($"{name}: primary key ({scripted}) in the script, ({primaryKey}) in the model");
                foreach (var index in table.Indexes)
                {
                    var expected = (name, string.Join(",", index.Columns.Select(c => c.Name)), index.IsUnique);
                    if (!script.Indexes.Any(i => (i.Table, i.Columns, i.Unique) == expected))
                        problems.Add($"{name}: index {index.Name} ({expected.Item2}) unique={index.IsUnique} missing");
                }
                foreach (var fk in table.ForeignKeyConstraints)
                    if (!script.ForeignKeys.Contains(fk.Name)) problems.Add($"{name}: foreign key {fk.Name} missing");
            }
        }
        Assert.True(tables > 40, $"only {tables} tables");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void The_whole_script_is_sql_server_syntax_only_and_well_formed()
    {
        var text = _host.Migrator.GenerateScript(DatabaseProvider.SqlServer);
        Assert.Empty(ParsedScript.Problems(text));
        // Each int key that was auto-increment on SQLite / identity on PostgreSQL is IDENTITY here.
        Assert.Matches(@"\[AspNetRoleClaims\] \(\s*\[Id\] int NOT NULL IDENTITY", text);
        // The unique user name index allows many NULLs, as on the other databases.
        Assert.Contains("WHERE [NormalizedUserName] IS NOT NULL", text);
        Assert.Contains("decimal(18,4)", text);
        Assert.Contains("datetimeoffset", text);
        // Plain SQL of a migration (telework's eligibility rules) keeps its Japanese text: N'…' literals, bracketed names.
        Assert.Contains("INSERT INTO [telework].[EligibilityRules] ([Id], [Field], [Value], [Reason]) VALUES ('6F1C2A34-0C6B-4B0E-9F47-1B1F0E1A0001', " +
                        "'WorkplaceType', N'こども園', N'こども園に勤務する職員はテレワークの対象外');", text);
    }

    [Theory]
    [InlineData("SELECT 'a''b', 'あ''い', N'う' FROM \"t\"", "SELECT 'a''b', N'あ''い', N'う' FROM [t]")]
    [InlineData("UPDATE \"s\".\"T\" SET \"V\" = '\"x\"'", "UPDATE [s].[T] SET [V] = '\"x\"'")]
    public void Plain_sql_is_rewritten_for_sql_server(string sql, string expected) =>
        Assert.Equal(expected, IntranetSqlServerMigrationsSqlGenerator.PortableSql(sql));

    [Fact]
    public void Second_cascade_paths_are_no_action_and_every_table_keeps_one_path_from_its_root()
    {
        using var scope = _host.App.Services.CreateScope();
        var plankpi = _host.Migrator.Ordered.Single(r => r.Schema == "plankpi");
        using var db = _host.Migrator.CreateContext(scope.ServiceProvider, plankpi, DatabaseProvider.SqlServer);
        var noAction = IntranetSqlServerMigrationsSqlGenerator.NoActionForeignKeys(db.GetService<IDesignTimeModel>().Model);
        // Placement → measure, indicator → project/measure, sheet → project: each table already cascades from its plan another way.
        Assert.Equal(new[] { "FK_EvaluationSheets_Projects_ProjectId", "FK_Indicators_Measures_MeasureId", "FK_Indicators_Projects_ProjectId",
            "FK_Placements_Measures_MeasureId" }, noAction.Order());
        var text = _host.Migrator.GenerateScript(DatabaseProvider.SqlServer);
        Assert.Contains("CONSTRAINT [FK_Placements_Measures_MeasureId] FOREIGN KEY ([MeasureId]) REFERENCES [plankpi].[Measures] ([Id]),\n", text);
        Assert.Contains("CONSTRAINT [FK_Placements_Projects_ProjectId] FOREIGN KEY ([ProjectId]) REFERENCES [plankpi].[Projects] ([Id]) ON DELETE CASCADE", text);
        // The other providers keep their cascades (their scripts and deployed databases are untouched).
        var postgres = _host.Migrator.GenerateScript(DatabaseProvider.PostgreSql);
        Assert.Contains("CONSTRAINT \"FK_Placements_Measures_MeasureId\" FOREIGN KEY (\"MeasureId\") REFERENCES plankpi.\"Measures\" (\"Id\") ON DELETE CASCADE", postgres);
    }

    [Fact]
    public void A_migration_indexing_an_unbounded_string_gets_a_bounded_column_or_fails_the_check()
    {
        using var scope = _host.App.Services.CreateScope();
        using var db = _host.Migrator.CreateContext(scope.ServiceProvider, _host.Migrator.Ordered[0], DatabaseProvider.SqlServer);
        var generator = db.GetService<IMigrationsSqlGenerator>();
        Assert.IsType<IntranetSqlServerMigrationsSqlGenerator>(generator);

        // A future migration, written like the others (no store types), creating a table and indexing a string.
        var builder = new MigrationBuilder(IntranetDatabase.SqlServerProviderName);
        builder.CreateTable("Bad", schema: "identity", columns: t => new
        {
            Id = t.Column<int>(nullable: false).Annotation("Sqlite:Autoincrement", true),
            Name = t.Column<string>(nullable: false),
            Note = t.Column<string>(nullable: true),
        }, constraints: t => t.PrimaryKey("PK_Bad", x => x.Id));
        builder.CreateIndex("IX_Bad_Name", "Bad", "Name", "identity", unique: true);
        var sameMigration = Sql(generator.Generate(builder.Operations));
        Assert.Contains("[Name] nvarchar(450) NOT NULL", sameMigration);
        Assert.Contains("[Note] nvarchar(max) NULL", sameMigration);
        Assert.Contains("[Id] int NOT NULL IDENTITY", sameMigration);
        Assert.Empty(ParsedScript.Problems(sameMigration));

        // The same index added by a later migration, on a column the model does not know: the check catches it.
        var create = new MigrationBuilder(IntranetDatabase.SqlServerProviderName);
        create.CreateTable("Bad", schema: "identity", columns: t => new { Name = t.Column<string>(nullable: false) });
        var later = new MigrationBuilder(IntranetDatabase.SqlServerProviderName);
        later.CreateIndex("IX_Bad_Name", "Bad", "Name", "identity");
        var twoMigrations = Sql(generator.Generate(create.Operations)) + "\nGO\n" + Sql(generator.Generate(later.Operations));
        Assert.Contains(ParsedScript.Problems(twoMigrations), p => p.Contains("identity.Bad.Name") && p.Contains("nvarchar(max)"));
    }

    private static string Sql(IEnumerable<MigrationCommand> commands) => string.Join("\n", commands.Select(c => c.CommandText));

    /// <summary>The SQL Server script read back: columns per table, indexes, foreign key names.</summary>
    private sealed partial class ParsedScript
    {
        public Dictionary<string, Dictionary<string, (string Type, bool Nullable, bool Identity)>> Columns { get; } = new();
        public List<(string Table, string Columns, bool Unique, string Name)> Indexes { get; } = [];
        public HashSet<string> ForeignKeys { get; } = [];
        public List<(string Table, string Columns, string What)> Keys { get; } = [];
        /// <summary>Each table's primary key (constraint name, columns) after the whole script.</summary>
        public Dictionary<string, (string Name, string Columns)> PrimaryKeys { get; } = new();

        public static ParsedScript Parse(string sql)
        {
            var p = new ParsedScript();
            foreach (Match t in CreateTable().Matches(sql))
            {
                var table = $"{t.Groups[1].Value}.{t.Groups[2].Value}";
                var columns = p.Columns.TryGetValue(table, out var c) ? c : p.Columns[table] = new();
                foreach (var line in t.Groups[3].Value.Split('\n').Select(l => l.Trim().TrimEnd(',')))
                {
                    if (ColumnLine().Match(line) is { Success: true } m) columns[m.Groups[1].Value] = Column(m);
                    else if (ConstraintLine().Match(line) is { Success: true } k)
                    {
                        p.Keys.Add((table, Names(k.Groups[3].Value), k.Groups[2].Value));
                        if (k.Groups[2].Value == "FOREIGN KEY") p.ForeignKeys.Add(k.Groups[1].Value);
                        if (k.Groups[2].Value == "PRIMARY KEY") p.PrimaryKeys[table] = (k.Groups[1].Value, Names(k.Groups[3].Value));
                    }
                }
            }
            foreach (Match a in AddColumn().Matches(sql))
            {
                var table = $"{a.Groups[1].Value}.{a.Groups[2].Value}";
                if (!p.Columns.TryGetValue(table, out var columns)) p.Columns[table] = columns = new();
                var m = ColumnLine().Match(a.Groups[3].Value.Trim());
                if (m.Success) columns[m.Groups[1].Value] = Column(m);
            }
            foreach (Match i in CreateIndex().Matches(sql))
            {
                var table = $"{i.Groups[3].Value}.{i.Groups[4].Value}";
                var names = Names(i.Groups[5].Value);
                p.Indexes.Add((table, names, i.Groups[1].Success, i.Groups[2].Value));
                p.Keys.Add((table, names, "INDEX " + i.Groups[2].Value));
            }
            // A later migration's drops (in script order, after every create: no migration re-creates what it dropped).
            foreach (Match d in DropColumn().Matches(sql)) p.Columns.GetValueOrDefault($"{d.Groups[1].Value}.{d.Groups[2].Value}")?.Remove(d.Groups[3].Value);
            foreach (Match d in DropIndex().Matches(sql))
            {
                var table = $"{d.Groups[2].Value}.{d.Groups[3].Value}";
                p.Indexes.RemoveAll(i => i.Table == table && i.Name == d.Groups[1].Value);
                p.Keys.RemoveAll(k => k.Table == table && k.What == "INDEX " + d.Groups[1].Value);
            }
            foreach (Match d in DropConstraint().Matches(sql))
            {
                var table = $"{d.Groups[1].Value}.{d.Groups[2].Value}";
                if (p.PrimaryKeys.TryGetValue(table, out var key) && key.Name == d.Groups[3].Value)
                {
                    p.PrimaryKeys.Remove(table);
                    p.Keys.Remove((table, key.Columns, "PRIMARY KEY"));
                }
            }
            foreach (Match k in AddConstraint().Matches(sql))
            {
                var table = $"{k.Groups[1].Value}.{k.Groups[2].Value}";
                p.Keys.Add((table, Names(k.Groups[5].Value), k.Groups[4].Value));
                if (k.Groups[4].Value == "PRIMARY KEY") p.PrimaryKeys[table] = (k.Groups[3].Value, Names(k.Groups[5].Value));
                if (k.Groups[4].Value == "FOREIGN KEY") p.ForeignKeys.Add(k.Groups[3].Value);
            }
            return p;
        }

        /// <summary>What SQL Server would refuse or what does not belong in a SQL Server script.</summary>
        public static List<string> Problems(string sql)
        {
            var problems = new List<string>();
            var p = Parse(sql);
            foreach (var (table, columns, what) in p.Keys)
            {
                foreach (var column in columns.Split(','))
                {
                    if (p.Columns.GetValueOrDefault(table)?.GetValueOrDefault(column) is { } c && c.Type.Equals("nvarchar(max)", StringComparison.OrdinalIgnoreCase))
                        problems.Add($"{table}.{column} is nvarchar(max) but used in {what}");
                }
            }
            // Comments (also indented ones) and string literals ('…' and N'…', not the N that ends a name like IDX_…_N') are not code.
            var code = Regex.Replace(Regex.Replace(sql, @"^\s*--.*$", "", RegexOptions.Multiline), @"(?<!\w)N?'(?:[^']|'')*'", "''");
            foreach (var foreign in new[] { "\"", "AUTOINCREMENT", "GENERATED BY DEFAULT", "GENERATED ALWAYS", "::", "PRAGMA", "$$", "IF NOT EXISTS (SELECT 1 FROM pg_",
                         "timestamp with time zone", "boolean", " uuid", "character varying", " TEXT ", " INTEGER ", "CREATE SCHEMA IF NOT EXISTS", "DO $", "SERIAL" })
            {
                if (code.Contains(foreign, StringComparison.Ordinal)) problems.Add($"foreign syntax: {foreign}");
            }
            var begins = Regex.Matches(code, @"\bBEGIN\b(?! TRANSACTION)").Count;
            var ends = Regex.Matches(code, @"\bEND\b").Count;
            if (begins != ends) problems.Add($"BEGIN {begins} / END {ends}");
            var transactions = Regex.Matches(code, @"\bBEGIN TRANSACTION\b").Count;
            var commits = Regex.Matches(code, @"^COMMIT;", RegexOptions.Multiline).Count;
            if (transactions != commits) problems.Add($"BEGIN TRANSACTION {transactions} / COMMIT {commits}");
            if (Regex.IsMatch(code, @"\S[ \t]*GO[ \t]*$|^[ \t]*GO[ \t]*\S", RegexOptions.Multiline)) problems.Add("GO not on a line of its own");
            if (Regex.Matches(code, @"\(").Count != Regex.Matches(code, @"\)").Count) problems.Add("unbalanced parentheses");
            // CREATE SCHEMA must be alone in its batch: EF wraps it in EXEC.
            if (Regex.IsMatch(code, @"^\s*CREATE SCHEMA", RegexOptions.Multiline)) problems.Add("CREATE SCHEMA outside EXEC");
            return problems;
        }

        private static (string, bool, bool) Column(Match m) =>
            (m.Groups[2].Value, !m.Groups[3].Value.StartsWith("NOT", StringComparison.Ordinal), m.Groups[4].Value.Contains("IDENTITY", StringComparison.Ordinal));

        private static string Names(string list) => string.Join(",", list.Split(',').Select(n => n.Trim().Trim('[', ']')));

        [GeneratedRegex(@"CREATE TABLE \[([^\]]+)\]\.\[([^\]]+)\] \(\n(.*?)\n\s*\);", RegexOptions.Singleline)]
        private static partial Regex CreateTable();

        [GeneratedRegex(@"^\[([^\]]+)\] ([a-z]+(?:\([0-9a-z, ]+\))?) (NOT NULL|NULL)(.*)$")]
        private static partial Regex ColumnLine();

        [GeneratedRegex(@"^CONSTRAINT \[([^\]]+)\] (PRIMARY KEY|FOREIGN KEY|UNIQUE) \(([^)]*)\)")]
        private static partial Regex ConstraintLine();

        [GeneratedRegex(@"ALTER TABLE \[([^\]]+)\]\.\[([^\]]+)\] ADD (\[[^\]]+\] [^;]+);")]
        private static partial Regex AddColumn();

        [GeneratedRegex(@"CREATE (UNIQUE )?INDEX \[([^\]]+)\] ON \[([^\]]+)\]\.\[([^\]]+)\] \(([^)]*)\)")]
        private static partial Regex CreateIndex();

        [GeneratedRegex(@"ALTER TABLE \[([^\]]+)\]\.\[([^\]]+)\] DROP COLUMN \[([^\]]+)\];")]
        private static partial Regex DropColumn();

        [GeneratedRegex(@"ALTER TABLE \[([^\]]+)\]\.\[([^\]]+)\] DROP CONSTRAINT \[([^\]]+)\];")]
        private static partial Regex DropConstraint();

        [GeneratedRegex(@"DROP INDEX \[([^\]]+)\] ON \[([^\]]+)\]\.\[([^\]]+)\];")]
        private static partial Regex DropIndex();

        [GeneratedRegex(@"ALTER TABLE \[([^\]]+)\]\.\[([^\]]+)\] ADD CONSTRAINT \[([^\]]+)\] (PRIMARY KEY|FOREIGN KEY|UNIQUE) \(([^)]*)\)")]
        private static partial Regex AddConstraint();
    }
}
