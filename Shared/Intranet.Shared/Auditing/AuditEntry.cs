namespace Intranet.Shared.Auditing;

/// <summary>
/// One audited change: who changed which entity when, and each changed property's value before and
/// after. Every module's DbContext keeps its own <c>AuditEntries</c> table.
/// </summary>
public sealed class AuditEntry
{
    /// <summary>Client-generated key, time-ordered (UUID version 7): entries written in bulk by an import go to the end of the key's index.</summary>
    public Guid Id { get; set; } = Guid.CreateVersion7();
    /// <summary>When the change was saved (UTC).</summary>
    public DateTimeOffset At { get; set; }
    /// <summary>Who saved it (<see cref="Security.ICurrentUser.Name"/>).</summary>
    public string UserName { get; set; } = "";
    /// <summary>Entity type name, e.g. <c>Actual</c>.</summary>
    public string EntityType { get; set; } = "";
    /// <summary>The entity's key as text.</summary>
    public string EntityKey { get; set; } = "";
    /// <summary><c>Added</c>, <c>Modified</c> or <c>Deleted</c>.</summary>
    public string Action { get; set; } = "";
    /// <summary>JSON object: property name → <c>[before, after]</c> (before is null when added, after when deleted).</summary>
    public string Changes { get; set; } = "{}";
}

/// <summary>Marks an entity whose changes are written to the audit log.</summary>
public interface IAudited;

/// <summary>
/// An entity edited by people in forms: <see cref="Version"/> is a concurrency token renewed on every
/// save, so a save based on a stale copy fails with <c>DbUpdateConcurrencyException</c> instead of
/// overwriting someone else's change.
/// </summary>
public interface IVersioned
{
    /// <summary>Renewed by the DbContext on every insert and update.</summary>
    Guid Version { get; set; }
}
