using Intranet.Modules.PlanKpi.Data;
using Microsoft.Extensions.DependencyInjection;

namespace Intranet.IntegrationTests.Infrastructure;

public static class AppData
{
    /// <summary>Runs <paramref name="read"/> against the module's DbContext of <paramref name="app"/>.</summary>
    public static async Task<T> PlanKpiAsync<T>(this IntranetApp app, Func<PlanKpiDbContext, Task<T>> read)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PlanKpiDbContext>();
        var result = await read(db);
        // Issue #12: tests use this helper for direct writes around SaveChanges too (ExecuteDelete to simulate lost
        // figures). Count every call as a write, as production code must for such writes, so cached snapshots reload.
        db.ChangeTracker.Clear();
        db.MarkChanged();
        await db.SaveChangesAsync();
        return result;
    }

    /// <summary>CSV rows (header excluded) of the dashboard download, split naively (the tests pick fields without commas).</summary>
    public static async Task<List<Dictionary<string, string>>> ExportRowsAsync(this HttpClient client, string plan = "hadano-ict-2021")
    {
        var bytes = await client.GetByteArrayAsync($"/plans/{plan}/kpis.csv");
        var text = System.Text.Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF');
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = ParseLine(lines[0]);
        return lines.Skip(1).Select(l => header.Zip(ParseLine(l)).ToDictionary(p => p.First, p => p.Second)).ToList();
    }

    /// <summary>RFC 4180 line split (quotes, doubled quotes).</summary>
    public static List<string> ParseLine(string line)
    {
        var fields = new List<string>();
        var sb = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { sb.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else sb.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(sb.ToString()); sb.Clear(); }
            else if (c != '\r') sb.Append(c);
        }
        fields.Add(sb.ToString());
        return fields;
    }

    public static Dictionary<string, string> Row(this List<Dictionary<string, string>> rows, string indicator, int year) =>
        rows.Single(r => r["indicator_code"] == indicator && r["fiscal_year"] == year.ToString());
}
