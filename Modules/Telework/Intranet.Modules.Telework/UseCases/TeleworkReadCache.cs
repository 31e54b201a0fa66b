using Intranet.Modules.Telework.Data;
using Intranet.Modules.Telework.Domain;
using Intranet.Shared.Persistence;
using Intranet.Shared.Time;

namespace Intranet.Modules.Telework.UseCases;

/// <summary>
/// The telework figures of each fiscal year (<see cref="TeleworkFeed.ComputeAsync"/>) and the module's settings, cached per
/// host and shared by every request (issue #12: <c>/telework</c> and its summary export flat in the number of days), keyed by
/// the schema's change stamp (<see cref="Intranet.Shared.Persistence.ChangeStamp"/>) as <see cref="ChangeStampedReadCache"/> describes: a day
/// recorded, corrected, deleted or imported, a roster import, an assignment, an eligibility rule or a setting changed on any
/// host is seen by the next request on every host. Memory: one <see cref="TeleworkYear"/> per fiscal year asked for (a few
/// dozen departments each). Values are shared and read-only.
/// </summary>
public sealed class TeleworkReadCache : ChangeStampedReadCache
{
    /// <summary>The settings the figures are read with: minimum group size (people) and the reference date (<c>MM-dd</c>, or null for the default).</summary>
    public sealed record Settings(int MinimumGroup, string? ReferenceMonthDay);

    /// <summary>The settings, read by <paramref name="load"/> when the stamp changed.</summary>
    public async Task<Settings> SettingsAsync(TeleworkDbContext db, Func<CancellationToken, Task<Settings?>> load, CancellationToken ct) =>
        (await GetAsync(db, "settings", load, ct))!;

    /// <summary>The figures of <paramref name="year"/>, computed by <paramref name="load"/> when the stamp changed.</summary>
    public async Task<TeleworkYear> YearAsync(TeleworkDbContext db, FiscalYear year, Func<CancellationToken, Task<TeleworkYear?>> load, CancellationToken ct) =>
        (await GetAsync(db, "year:" + year.StartYear, load, ct))!;
}
