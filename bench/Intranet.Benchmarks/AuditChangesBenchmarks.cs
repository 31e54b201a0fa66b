using BenchmarkDotNet.Attributes;
using Intranet.Modules.Telework.Data;
using Intranet.Modules.Telework.Domain;
using Intranet.Shared.Auditing;
using Intranet.Shared.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Intranet.Benchmarks;

/// <summary>
/// The <see cref="AuditEntry.Changes"/> JSON of 1,000 new staff records, as an import inserting them in bulk writes it
/// (<c>BulkInsertAuditedAsync</c>): <see cref="AuditChanges.Added"/> against building the property dictionary and handing it to
/// the serializer (<see cref="AuditChanges.Serialize"/>, what the bulk path did before and the tracked save still does).
/// Both give the same text (<c>AuditChangesTests</c>).
/// </summary>
[MemoryDiagnoser]
public class AuditChangesBenchmarks
{
    /// <summary>Records described per operation.</summary>
    public const int Count = 1_000;

    private StaffMember[] _staff = [];
    private IEntityType _type = null!;

    /// <summary>The telework model (SQLite, never opened) and deterministic records with Japanese names.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var options = new DbContextOptionsBuilder<TeleworkDbContext>().UseSqlite("Data Source=:memory:").Options;
        using var db = new TeleworkDbContext(options, new HttpCurrentUser(new HttpContextAccessor(), new CurrentPrincipal()), TimeProvider.System);
        _type = db.Model.FindEntityType(typeof(StaffMember))!;
        string[] names = ["佐藤 美咲", "林 恵", "秦野 太郎", "鈴木 一郎"];
        _staff = Enumerable.Range(0, Count).Select(i => new StaffMember
        {
            EmployeeNumber = $"B{i + 1:D6}", Name = names[i % names.Length], ActiveFrom = new DateOnly(2011 + i % 15, 4, 1),
            ActiveTo = i % 10 == 0 ? new DateOnly(2031, 3, 31) : null,
        }).ToArray();
    }

    /// <summary>The former way: a sorted dictionary of boxed <c>[null, value]</c> pairs, serialized.</summary>
    [Benchmark(Baseline = true)]
    public int Serializer()
    {
        var length = 0;
        foreach (var person in _staff)
        {
            var changes = new SortedDictionary<string, object?[]>(StringComparer.Ordinal);
            foreach (var p in _type.GetProperties())
                if (p.Name != nameof(IVersioned.Version)) changes[p.Name] = [null, p.GetGetter().GetClrValueUsingContainingEntity(person)];
            length += AuditChanges.Serialize(changes).Length;
        }
        return length;
    }

    /// <summary><see cref="AuditChanges.Added"/>: the same JSON written directly.</summary>
    [Benchmark]
    public int Writer()
    {
        var length = 0;
        foreach (var person in _staff) length += AuditChanges.Added(_type, person).Length;
        return length;
    }
}
