using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Identity;

namespace Intranet.Host.Identity;

/// <summary>
/// The numbers of the login protection (configuration section <c>Security:Login</c>; docs/ops/security.md):
/// <list type="bullet">
/// <item>per client address: at most <see cref="AddressPermitLimit"/> POSTs to /account/login per
/// <see cref="AddressWindow"/> (ASP.NET Core's rate limiter; 429 with Retry-After beyond);</item>
/// <item>per (account, address): <see cref="PairMaxFailures"/> wrong passwords within <see cref="PairLockout"/> lock
/// that account for that address only, for <see cref="PairLockout"/> (<see cref="LoginThrottle"/>);</item>
/// <item>per account, from all addresses together: <see cref="AccountMaxFailures"/> failures in a row lock the
/// account for <see cref="AccountLockout"/> (Identity's lockout, stored in the database, shared by every host).</item>
/// </list>
/// </summary>
public sealed record LoginProtectionSettings
{
    /// <summary>Login POSTs one address may send per <see cref="AddressWindow"/>; default 10.</summary>
    public int AddressPermitLimit { get; init; } = 10;

    /// <summary>Window of <see cref="AddressPermitLimit"/>; default 1 minute.</summary>
    public TimeSpan AddressWindow { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Wrong passwords for one account from one address before that pair is locked; default 5.</summary>
    public int PairMaxFailures { get; init; } = 5;

    /// <summary>How long failures of a pair are counted, and how long a locked pair stays locked; default 15 minutes.</summary>
    public TimeSpan PairLockout { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Failures in a row for one account from all addresses before the account itself is locked; default 50.</summary>
    public int AccountMaxFailures { get; init; } = 50;

    /// <summary>How long <see cref="AccountMaxFailures"/> locks the account; default 15 minutes.</summary>
    public TimeSpan AccountLockout { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Reads <c>Security:Login</c> (keys as the property names; times as <c>hh:mm:ss</c>), defaults for what is missing.</summary>
    public static LoginProtectionSettings Read(IConfiguration configuration)
    {
        var settings = new LoginProtectionSettings();
        configuration.GetSection("Security:Login").Bind(settings);
        if (settings.AddressPermitLimit < 1 || settings.PairMaxFailures < 1 || settings.AccountMaxFailures < 1)
            throw new InvalidOperationException("Security:Login の回数は1以上にしてください。");
        return settings;
    }
}

/// <summary>
/// Counts wrong passwords per (account, client address) so that one address cannot lock an account for everyone:
/// after <see cref="LoginProtectionSettings.PairMaxFailures"/> failures within <see cref="LoginProtectionSettings.PairLockout"/>
/// the pair is refused for <see cref="LoginProtectionSettings.PairLockout"/>, while the same account from other
/// addresses signs in as usual. Unknown accounts are counted the same way, so the answers do not tell whether an
/// account exists. Held in this host's memory (singleton; entries expire): with several hosts a pair gets that many
/// tries per host, still bounded by the per-address rate limit and by the per-account lockout in the database.
/// Also holds the dummy password hash verified for unknown accounts, so their answer costs what a real one costs.
/// </summary>
public sealed class LoginThrottle(LoginProtectionSettings settings, TimeProvider clock)
{
    private readonly ConcurrentDictionary<(string Account, string Address), Entry> _entries = new();
    private string? _dummyHash;

    /// <summary>Upper bound of remembered pairs; the oldest are dropped beyond it (a flood of made-up accounts).</summary>
    public const int MaxEntries = 100_000;

    private sealed record Entry(int Failures, DateTimeOffset FirstFailure, DateTimeOffset? LockedUntil);

    /// <summary>Until when the pair is locked (UTC), or null when it may try.</summary>
    public DateTimeOffset? LockedUntil(string account, IPAddress? address)
    {
        if (!_entries.TryGetValue(Key(account, address), out var entry) || entry.LockedUntil is not { } until) return null;
        return until > clock.GetUtcNow() ? until : null;
    }

    /// <summary>Records a wrong password (or an unknown account) for the pair; returns true when the pair is now locked.</summary>
    public bool RecordFailure(string account, IPAddress? address)
    {
        var now = clock.GetUtcNow();
        var entry = _entries.AddOrUpdate(Key(account, address),
            _ => Next(null, now),
            (_, current) => Next(current, now));
        if (_entries.Count > MaxEntries) Prune(now);
        return entry.LockedUntil is { } until && until > now;
    }

    /// <summary>Forgets the pair's failures after a successful sign-in.</summary>
    public void RecordSuccess(string account, IPAddress? address) => _entries.TryRemove(Key(account, address), out _);

    /// <summary>
    /// Verifies <paramref name="password"/> against a hash of a random password made with the same hasher (same
    /// algorithm and iteration count): the work a wrong password for a real account costs. Always false.
    /// </summary>
    public bool VerifyDummy(IPasswordHasher<ApplicationUser> hasher, string password)
    {
        var user = new ApplicationUser();
        _dummyHash ??= hasher.HashPassword(user, Guid.NewGuid().ToString("N"));
        hasher.VerifyHashedPassword(user, _dummyHash, password);
        return false;
    }

    private Entry Next(Entry? current, DateTimeOffset now)
    {
        if (current is null || now - current.FirstFailure > settings.PairLockout && !(current.LockedUntil > now))
            current = new Entry(0, now, null);
        var failures = current.Failures + 1;
        var locked = failures >= settings.PairMaxFailures ? now + settings.PairLockout : current.LockedUntil;
        return new Entry(failures, current.FirstFailure, locked);
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, entry) in _entries)
        {
            if (!(entry.LockedUntil > now) && now - entry.FirstFailure > settings.PairLockout) _entries.TryRemove(key, out _);
        }
        if (_entries.Count <= MaxEntries) return;
        foreach (var key in _entries.OrderBy(e => e.Value.FirstFailure).Take(_entries.Count - MaxEntries).Select(e => e.Key).ToList())
            _entries.TryRemove(key, out _);
    }

    private static (string, string) Key(string account, IPAddress? address) =>
        (account.Trim().ToUpperInvariant(), address is null ? "-" : (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString());
}
