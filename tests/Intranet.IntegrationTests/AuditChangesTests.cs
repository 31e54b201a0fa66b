using Intranet.IntegrationTests.Infrastructure;
using Intranet.Shared.Auditing;
using Intranet.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Intranet.IntegrationTests;

/// <summary>
/// Issue #12: an import's new records get their audit entry from <see cref="AuditChanges.Added"/>, which writes the JSON
/// itself instead of serializing a dictionary of boxed values. The audit trail reads both forms alike only if they are the
/// same text, so every entity type of every context (the audited ones and the rest, for every kind of column) gets random
/// rows described both ways and compared.
/// </summary>
public sealed class AuditChangesTests
{
    [Fact]
    public void An_added_entity_is_described_as_the_serializer_describes_it()
    {
        using var app = new IntranetApp(Db.Sqlite);
        using var scope = app.Services.CreateScope();
        var random = new Random(20261204);
        var (compared, audited) = (0, new HashSet<string>());
        foreach (var registration in scope.ServiceProvider.GetRequiredService<IEnumerable<ModuleDbContextRegistration>>())
        {
            var db = (DbContext)scope.ServiceProvider.GetRequiredService(registration.ContextType);
            foreach (var entity in db.Model.GetEntityTypes().Where(e => e.GetTableName() is not null && !e.IsOwned() && !e.ClrType.IsAbstract))
            {
                BulkInsert.Table table;
                try { table = BulkInsert.Table.Of(db, entity.ClrType); }
                catch (NotSupportedException) { continue; }   // shadow properties: no CLR value to describe
                var previous = new Dictionary<string, object?>();
                for (var r = 0; r < 40; r++)
                {
                    var row = SqliteRowTests.RandomRow(entity.ClrType, table, random, previous);
                    Assert.Equal(Reference(entity, row), AuditChanges.Added(entity, row));
                }
                compared++;
                if (typeof(IAudited).IsAssignableFrom(entity.ClrType)) audited.Add(entity.ClrType.Name);
            }
        }
        Assert.True(compared > 40, $"only {compared} entity types compared");
        // The records the imports insert in bulk with their audit entries (BulkInsertAuditedAsync) are among them.
        Assert.Subset(audited, new HashSet<string>(["StaffMember", "StaffAssignment", "AutomationCase", "StatusTransition", "CaseAssessment", "MeetingBody", "MeetingSession", "PaperBaseline"]));
    }

    [Fact]
    public void Text_keeps_non_ascii_and_escapes_what_json_requires()
    {
        using var app = new IntranetApp(Db.Sqlite);
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<Intranet.Modules.Telework.Data.TeleworkDbContext>();
        var person = new Intranet.Modules.Telework.Domain.StaffMember
        {
            EmployeeNumber = "A\"1\\2\t", Name = "秦野 花子 <b>&'", ActiveFrom = new DateOnly(2019, 4, 1),
        };
        var json = AuditChanges.Added(db.Model.FindEntityType(typeof(Intranet.Modules.Telework.Domain.StaffMember))!, person);
        Assert.Equal(Reference(db.Model.FindEntityType(typeof(Intranet.Modules.Telework.Domain.StaffMember))!, person), json);
        Assert.Contains("\"Name\":[null,\"秦野 花子 <b>&'\"]", json);
        Assert.Contains("\"EmployeeNumber\":[null,\"A\\\"1\\\\2\\t\"]", json);
        Assert.Contains("\"ActiveFrom\":[null,\"2019-04-01\"]", json);
        Assert.Contains("\"ActiveTo\":[null,null]", json);
        Assert.DoesNotContain("Version", json);
    }

    [Fact]
    public void Decimals_keep_their_digits_and_timestamps_their_offset()
    {
        using var app = new IntranetApp(Db.Sqlite);
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<Intranet.Modules.Rpa.Data.RpaDbContext>();
        var type = db.Model.FindEntityType(typeof(Intranet.Modules.Rpa.Domain.CaseAssessment))!;
        var assessment = new Intranet.Modules.Rpa.Domain.CaseAssessment
        {
            ValidFrom = new DateOnly(2025, 4, 1), ExecutionsPerYear = 240, ItemsPerExecution = 1.50m, ManualMinutesPerItem = 0.0010m,
            RobotAttendedMinutesPerItem = 12m, By = "rpa@hadano.example", RecordedAt = new DateTimeOffset(2025, 4, 1, 9, 30, 15, 123, TimeSpan.FromHours(9)),
        };
        var json = AuditChanges.Added(type, assessment);
        Assert.Equal(Reference(type, assessment), json);
        Assert.Contains("\"ItemsPerExecution\":[null,1.50]", json);
        Assert.Contains("\"ManualMinutesPerItem\":[null,0.0010]", json);
        Assert.Contains("\"RecordedAt\":[null,\"2025-04-01T09:30:15.123+09:00\"]", json);
    }

    /// <summary>The changes as the tracked save builds and serializes them.</summary>
    private static string Reference(Microsoft.EntityFrameworkCore.Metadata.IEntityType type, object row)
    {
        var expected = new SortedDictionary<string, object?[]>(StringComparer.Ordinal);
        foreach (var p in type.GetProperties().Where(p => p.Name != nameof(IVersioned.Version)))
            expected[p.Name] = [null, p.GetGetter().GetClrValueUsingContainingEntity(row)];
        return AuditChanges.Serialize(expected);
    }
}
