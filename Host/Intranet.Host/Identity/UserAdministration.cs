using System.Security.Cryptography;
using System.Text.Json;
using Intranet.Shared.Auditing;
using Intranet.Shared.Messaging;
using Intranet.Shared.Persistence;
using Intranet.Shared.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Host.Identity;

/// <summary>
/// Creates, lists and changes users: used by the first start, the command-line verbs (<c>create-user</c>, <c>set-user</c>,
/// <c>disable-user</c>, <c>enable-user</c>, <c>reset-password</c>, <c>list-users</c>) and the user administration page
/// (through the use cases in <c>UserUseCases.cs</c>). Every change is logged and recorded in
/// <see cref="IdentityDb.AuditEntries"/> (who changed whom, what; never a password).
/// </summary>
public sealed class UserAdministration(UserManager<ApplicationUser> users, RoleManager<IdentityRole> roles, IdentityDb db,
    ICurrentUser actor, TimeProvider clock, ILogger<UserAdministration> logger)
{
    /// <summary>E-mail of the administrator created on first start.</summary>
    public const string FirstAdministratorEmail = "admin@intranet.local";

    /// <summary>File in the data folder holding the first administrator's password (mode 600).</summary>
    public const string FirstPasswordFileName = "initial-admin-password.txt";

    /// <summary>Roles whose holders must belong to a department: 主管課 (their indicators) and 会議主管課 (their meetings).</summary>
    public static IReadOnlyList<string> RolesNeedingDepartment { get; } = [Roles.Department, Roles.MeetingOrganizer];

    /// <summary>Creates any role of <see cref="Roles.All"/> that is missing.</summary>
    public async Task EnsureRolesAsync()
    {
        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role))
                Check(await roles.CreateAsync(new IdentityRole(role)), $"ロール {role} を作成できません");
        }
    }

    /// <summary>
    /// The rules every path (page, command line) applies to a user's roles and department: at least one role, every
    /// role known, and a department for <see cref="RolesNeedingDepartment"/>.
    /// </summary>
    /// <exception cref="UserAdministrationException">Field <c>Role</c> or <c>Department</c>, with a Japanese message naming the field.</exception>
    public static void CheckRolesAndDepartment(IReadOnlyCollection<string> roleNames, string? department)
    {
        if (roleNames.Count == 0) throw new UserAdministrationException("Role", "ロールを1つ以上選んでください。");
        var unknown = roleNames.Where(r => !Roles.All.Contains(r)).ToList();
        if (unknown.Count > 0)
            throw new UserAdministrationException("Role", $"ロール {string.Join(", ", unknown)} は存在しません。使えるロール: {string.Join(", ", Roles.All)}");
        var needing = RolesNeedingDepartment.Where(roleNames.Contains).ToList();
        if (needing.Count > 0 && string.IsNullOrWhiteSpace(department))
            throw new UserAdministrationException("Department",
                $"所属課を選んでください。{string.Join("・", needing.Select(r => Roles.Labels[r]))}のロールの利用者には所属課が必要です。");
    }

    /// <summary>
    /// Creates a user with roles. <paramref name="mustChangePassword"/> forces a new password at first login.
    /// </summary>
    /// <exception cref="UserAdministrationException">Unknown role, missing department, existing e-mail, or a password the
    /// policy refuses; <see cref="UserAdministrationException.Field"/> names the input (Email, Password, Role, Department).</exception>
    public async Task<ApplicationUser> CreateUserAsync(string email, string password, IReadOnlyCollection<string> roleNames,
        string? department, string? displayName, bool mustChangePassword)
    {
        await EnsureRolesAsync();
        email = email.Trim();
        CheckRolesAndDepartment(roleNames, department);
        if (await users.FindByEmailAsync(email) is not null)
            throw new UserAdministrationException("Email", $"{email} は既に登録されています。");

        var user = new ApplicationUser
        {
            UserName = email, Email = email, EmailConfirmed = true,
            Department = Clean(department),
            DisplayName = Clean(displayName),
            MustChangePassword = mustChangePassword, LockoutEnabled = true,
        };
        await using var tx = await db.Database.BeginTransactionAsync();
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            var field = created.Errors.All(e => e.Code.StartsWith("Password", StringComparison.Ordinal)) ? "Password" : "Email";
            throw new UserAdministrationException(field, $"{email} を作成できません: {string.Join(" ", created.Errors.Select(e => e.Description))}");
        }
        Check(await users.AddToRolesAsync(user, roleNames), $"{email} にロールを付与できません");
        await AuditAsync(email, "Created", new Dictionary<string, object?[]>
        {
            ["Roles"] = [null, string.Join(",", roleNames)], ["Department"] = [null, user.Department], ["DisplayName"] = [null, user.DisplayName],
        });
        await tx.CommitAsync();
        return user;
    }

    /// <summary>Every user with roles, state and last sign-in, ordered by e-mail (an intranet has hundreds, not millions).</summary>
    public async Task<IReadOnlyList<UserSummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        var all = await users.Users.AsNoTracking().ToListAsync(cancellationToken);
        var roleNames = await db.Roles.AsNoTracking().ToDictionaryAsync(r => r.Id, r => r.Name ?? "", cancellationToken);
        var userRoles = (await db.UserRoles.AsNoTracking().ToListAsync(cancellationToken))
            .ToLookup(ur => ur.UserId, ur => roleNames.GetValueOrDefault(ur.RoleId, ""));
        var now = clock.GetUtcNow();
        return all.Select(u => Summarize(u, userRoles[u.Id].OrderBy(IndexOfRole).ToList(), now))
            .OrderBy(u => u.Email, StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>One user by e-mail.</summary>
    /// <exception cref="NotFoundException">No user has this e-mail.</exception>
    public async Task<UserSummary> GetAsync(string email)
    {
        var user = await FindAsync(email);
        return Summarize(user, (await users.GetRolesAsync(user)).OrderBy(IndexOfRole).ToList(), clock.GetUtcNow());
    }

    /// <summary>
    /// Changes a user's roles, department and display name; a null argument keeps the current value, an empty
    /// department or name clears it. The result must satisfy <see cref="CheckRolesAndDepartment"/>. An administrator
    /// cannot take the administrator role from themselves. Changing roles or department renews the security stamp, so
    /// the user's sessions pick up the change at the next check.
    /// </summary>
    /// <exception cref="NotFoundException">Unknown e-mail.</exception>
    /// <exception cref="UserAdministrationException">Field Role or Department.</exception>
    public async Task<UserSummary> UpdateAsync(string email, IReadOnlyCollection<string>? newRoles, string? department, string? displayName)
    {
        await EnsureRolesAsync();
        var user = await FindAsync(email);
        var currentRoles = (await users.GetRolesAsync(user)).ToList();
        var targetRoles = newRoles?.Distinct().ToList() ?? currentRoles;
        var targetDepartment = department is null ? user.Department : Clean(department);
        var targetName = displayName is null ? user.DisplayName : Clean(displayName);
        CheckRolesAndDepartment(targetRoles, targetDepartment);
        if (IsSelf(user) && currentRoles.Contains(Roles.Administrator) && !targetRoles.Contains(Roles.Administrator))
            throw new UserAdministrationException("Role", "自分自身からシステム管理者のロールを外すことはできません。");
        if (currentRoles.Contains(Roles.Administrator) && !targetRoles.Contains(Roles.Administrator))
            await EnsureAnotherActiveAdministratorAsync(user, "システム管理者のロールを外せません");

        var changes = new Dictionary<string, object?[]>();
        var removed = currentRoles.Except(targetRoles).ToList();
        var added = targetRoles.Except(currentRoles).ToList();
        if (removed.Count > 0 || added.Count > 0)
            changes["Roles"] = [string.Join(",", currentRoles.OrderBy(IndexOfRole)), string.Join(",", targetRoles.OrderBy(IndexOfRole))];
        if (user.Department != targetDepartment) changes["Department"] = [user.Department, targetDepartment];
        if (user.DisplayName != targetName) changes["DisplayName"] = [user.DisplayName, targetName];
        if (changes.Count == 0) return await GetAsync(email);

        await using var tx = await db.Database.BeginTransactionAsync();
        if (removed.Count > 0) Check(await users.RemoveFromRolesAsync(user, removed), $"{email} のロールを外せません");
        if (added.Count > 0) Check(await users.AddToRolesAsync(user, added), $"{email} にロールを付与できません");
        user.Department = targetDepartment;
        user.DisplayName = targetName;
        Check(await users.UpdateAsync(user), $"{email} を更新できません");
        if (changes.ContainsKey("Roles") || changes.ContainsKey("Department")) await users.UpdateSecurityStampAsync(user);
        await AuditAsync(user.Email!, "Updated", changes);
        await tx.CommitAsync();
        return await GetAsync(email);
    }

    /// <summary>
    /// Disables a user: they can no longer sign in, and their open sessions end at the next security-stamp check (at most
    /// 5 minutes; see <c>IntranetHost</c>). Disabling a disabled user changes nothing. An administrator cannot disable
    /// themselves, nor the last enabled administrator.
    /// </summary>
    /// <exception cref="NotFoundException">Unknown e-mail.</exception>
    /// <exception cref="UserAdministrationException">Field Email: oneself or the last administrator.</exception>
    public async Task<UserSummary> DisableAsync(string email)
    {
        var user = await FindAsync(email);
        if (user.IsDisabled) return await GetAsync(email);
        if (IsSelf(user)) throw new UserAdministrationException("Email", "自分自身を無効にすることはできません。");
        if (await users.IsInRoleAsync(user, Roles.Administrator)) await EnsureAnotherActiveAdministratorAsync(user, "無効にできません");
        await using var tx = await db.Database.BeginTransactionAsync();
        user.DisabledAt = clock.GetUtcNow();
        Check(await users.UpdateAsync(user), $"{email} を無効にできません");
        await users.UpdateSecurityStampAsync(user);
        await AuditAsync(user.Email!, "Disabled", new Dictionary<string, object?[]> { ["DisabledAt"] = [null, user.DisabledAt] });
        await tx.CommitAsync();
        return await GetAsync(email);
    }

    /// <summary>Enables a disabled user again (and clears a lockout after failed sign-ins). Enabling an enabled user changes nothing.</summary>
    /// <exception cref="NotFoundException">Unknown e-mail.</exception>
    public async Task<UserSummary> EnableAsync(string email)
    {
        var user = await FindAsync(email);
        var locked = user.LockoutEnd is { } end && end > clock.GetUtcNow();
        if (!user.IsDisabled && !locked) return await GetAsync(email);
        await using var tx = await db.Database.BeginTransactionAsync();
        var before = user.DisabledAt;
        user.DisabledAt = null;
        user.LockoutEnd = null;
        user.AccessFailedCount = 0;
        Check(await users.UpdateAsync(user), $"{email} を有効にできません");
        await AuditAsync(user.Email!, "Enabled", new Dictionary<string, object?[]> { ["DisabledAt"] = [before, null] });
        await tx.CommitAsync();
        return await GetAsync(email);
    }

    /// <summary>
    /// Replaces a user's password with a random one (<see cref="GeneratePassword"/>) and returns it, to be shown once;
    /// the user must change it at the next sign-in, and open sessions end at the next security-stamp check. A lockout
    /// after failed sign-ins is cleared; a disabled user stays disabled.
    /// </summary>
    /// <exception cref="NotFoundException">Unknown e-mail.</exception>
    public async Task<string> ResetPasswordAsync(string email)
    {
        var user = await FindAsync(email);
        var password = GeneratePassword();
        // The token is made before the transaction: making it may write a new data-protection key to the database (first
        // use, key rotation), which on SQLite would wait for this transaction's write lock.
        var token = await users.GeneratePasswordResetTokenAsync(user);
        await using var tx = await db.Database.BeginTransactionAsync();
        Check(await users.ResetPasswordAsync(user, token, password), $"{email} のパスワードを再発行できません");
        user.MustChangePassword = true;
        user.LockoutEnd = null;
        user.AccessFailedCount = 0;
        Check(await users.UpdateAsync(user), $"{email} のパスワードを再発行できません");
        await AuditAsync(user.Email!, "PasswordReset", new Dictionary<string, object?[]> { ["MustChangePassword"] = [false, true] });
        await tx.CommitAsync();
        return password;
    }

    private async Task<ApplicationUser> FindAsync(string email) =>
        await users.FindByEmailAsync(email.Trim()) ?? throw new NotFoundException($"利用者 {email.Trim()} は登録されていません。");

    private bool IsSelf(ApplicationUser user) =>
        !actor.IsSystem && string.Equals(actor.Name, user.Email, StringComparison.OrdinalIgnoreCase);

    private async Task EnsureAnotherActiveAdministratorAsync(ApplicationUser user, string what)
    {
        var others = (await users.GetUsersInRoleAsync(Roles.Administrator)).Where(u => u.Id != user.Id && !u.IsDisabled);
        if (!others.Any())
            throw new UserAdministrationException("Role", $"{user.Email} は有効な最後のシステム管理者のため、{what}。");
    }

    /// <summary>
    /// Records that a user replaced their own password on the password page (action <c>PasswordChanged</c>, by the user;
    /// never the password). Their other sessions ended with the new security stamp.
    /// </summary>
    public Task RecordOwnPasswordChangeAsync(ApplicationUser user, bool wasForced) =>
        AuditAsync(user.Email ?? user.UserName ?? user.Id, "PasswordChanged",
            new Dictionary<string, object?[]> { ["MustChangePassword"] = [wasForced, false] });

    /// <summary>
    /// Who acted, as recorded: the signed-in administrator's e-mail, or for the command line and the first start the
    /// operating-system account that ran the host, e.g. <c>system (os: intranet)</c>.
    /// </summary>
    public string ActorName => actor.IsSystem && actor.Name == HttpCurrentUser.SystemName
        ? $"{HttpCurrentUser.SystemName} (os: {Environment.UserName})" : actor.Name;

    private async Task AuditAsync(string email, string action, Dictionary<string, object?[]> changes)
    {
        var json = JsonSerializer.Serialize(changes, AuditJson);
        var who = ActorName;
        db.AuditEntries.Add(new AuditEntry
        {
            At = clock.GetUtcNow(), UserName = who, EntityType = "User", EntityKey = email, Action = action, Changes = json,
        });
        await db.SaveChangesAsync();
        logger.LogInformation("User {Email} {Action} by {Actor}: {Changes}", email, action, who, json);
    }

    private static UserSummary Summarize(ApplicationUser u, IReadOnlyList<string> roleNames, DateTimeOffset now) =>
        new(u.Email ?? u.UserName ?? "", u.DisplayName, u.Department, roleNames, u.MustChangePassword, u.DisabledAt, u.LastLoginAt,
            u.LockoutEnd is { } end && end > now ? end : null);

    private static int IndexOfRole(string role)
    {
        for (var i = 0; i < Roles.All.Count; i++) if (Roles.All[i] == role) return i;
        return int.MaxValue;
    }

    private static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static readonly JsonSerializerOptions AuditJson = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// On an empty user store: creates <see cref="FirstAdministratorEmail"/> with a random password,
    /// prints it once to the console and writes it to <see cref="FirstPasswordFileName"/> in the data
    /// folder, readable by the owner only. The first login must change it. Does nothing when users exist.
    /// </summary>
    public async Task EnsureFirstAdministratorAsync(DatabaseSettings settings)
    {
        await EnsureRolesAsync();
        if (await users.Users.AnyAsync()) return;
        var password = GeneratePassword();
        await CreateUserAsync(FirstAdministratorEmail, password, [Roles.Administrator], department: null, displayName: "システム管理者",
            mustChangePassword: true);
        var path = Path.Combine(settings.DataDirectory, FirstPasswordFileName);
        var content = $"{FirstAdministratorEmail}\n{password}\n";
        if (OperatingSystem.IsWindows())
        {
            await File.WriteAllTextAsync(path, content);
        }
        else
        {
            // Created with mode 600 so the password is never readable by others, not even for a moment.
            await using var file = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
            await using var writer = new StreamWriter(file);
            await writer.WriteAsync(content);
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        Console.Error.WriteLine("==============================================================");
        Console.Error.WriteLine($" 初期管理者を作成しました: {FirstAdministratorEmail}");
        Console.Error.WriteLine($" 初期パスワード: {password}");
        Console.Error.WriteLine($" (同じ内容を {path} に保存しました。初回ログイン時に変更が必要です)");
        Console.Error.WriteLine("==============================================================");
    }

    /// <summary>A 20-character password meeting the policy: letters of both cases, digits, a symbol.</summary>
    public static string GeneratePassword()
    {
        const string lower = "abcdefghijkmnopqrstuvwxyz", upper = "ABCDEFGHJKLMNPQRSTUVWXYZ", digits = "23456789", symbols = "-_!#%+";
        var all = lower + upper + digits + symbols;
        var chars = new List<char>
        {
            lower[RandomNumberGenerator.GetInt32(lower.Length)], upper[RandomNumberGenerator.GetInt32(upper.Length)],
            digits[RandomNumberGenerator.GetInt32(digits.Length)], symbols[RandomNumberGenerator.GetInt32(symbols.Length)],
        };
        while (chars.Count < 20) chars.Add(all[RandomNumberGenerator.GetInt32(all.Length)]);
        return new string(chars.OrderBy(_ => RandomNumberGenerator.GetInt32(int.MaxValue)).ToArray());
    }

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException($"{what}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
    }
}

/// <summary>
/// A user as the administration page and <c>list-users</c> show it. <paramref name="Roles"/> in <see cref="Roles.All"/> order;
/// <paramref name="LockedOutUntil"/> is set while failed sign-ins lock the account (UTC).
/// </summary>
public sealed record UserSummary(string Email, string? DisplayName, string? Department, IReadOnlyList<string> Roles,
    bool MustChangePassword, DateTimeOffset? DisabledAt, DateTimeOffset? LastLoginAt, DateTimeOffset? LockedOutUntil)
{
    /// <summary>Japanese state: 「無効」, 「ロック中」, 「パスワード変更待ち」 or 「有効」.</summary>
    public string StateLabel => DisabledAt is not null ? "無効" : LockedOutUntil is not null ? "ロック中" : MustChangePassword ? "パスワード変更待ち" : "有効";
}

/// <summary>A user could not be created or changed; <see cref="Field"/> names the offending input.</summary>
public sealed class UserAdministrationException(string field, string message) : InvalidOperationException(message)
{
    /// <summary>Email, Password, Role or Department (the property names of the page's form and of the use cases).</summary>
    public string Field { get; } = field;
}
