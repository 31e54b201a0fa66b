using Intranet.Host.Identity;
using Intranet.Shared.Auditing;
using Intranet.Shared.Security;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Host.Audit;

/// <summary>
/// User administration's audit trail (<c>identity.AuditEntries</c>, written by <see cref="UserAdministration"/>: who created,
/// changed, disabled, enabled whom, password resets; never a password) for <c>/admin/audit</c>: administrators only. Users are
/// keyed by e-mail address, which is readable as it is.
/// </summary>
public sealed class IdentityAuditSource(IdentityDb db) : IAuditSource
{
    /// <summary>Area <c>admin</c>.</summary>
    public static readonly AuditArea AreaInfo = new("admin", "利用者管理", "/admin/audit", [Roles.Administrator]);

    /// <inheritdoc />
    public AuditArea Area => AreaInfo;

    /// <inheritdoc />
    public DbContext Database => db;

    private static string? RoleNames(System.Text.Json.JsonElement v) =>
        v.ValueKind == System.Text.Json.JsonValueKind.String
            ? string.Join("、", (v.GetString() ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(r => Roles.Labels.GetValueOrDefault(r, r)))
            : null;

    /// <inheritdoc />
    public AuditVocabulary Vocabulary { get; } = new AuditVocabulary()
        .Entity("User", "利用者", new("Roles", "ロール", RoleNames), new("Department", "所属課"), new("DisplayName", "表示名"),
            new("DisabledAt", "無効化した日時"), new("MustChangePassword", "次回ログイン時にパスワード変更"));
}
