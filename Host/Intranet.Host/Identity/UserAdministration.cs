using System.Security.Cryptography;
using Intranet.Shared.Persistence;
using Intranet.Shared.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Intranet.Host.Identity;

/// <summary>Creates roles and users; used by the first start, the <c>create-user</c> command and the user page.</summary>
public sealed class UserAdministration(UserManager<ApplicationUser> users, RoleManager<IdentityRole> roles, ILogger<UserAdministration> logger)
{
    /// <summary>E-mail of the administrator created on first start.</summary>
    public const string FirstAdministratorEmail = "admin@intranet.local";

    /// <summary>File in the data folder holding the first administrator's password (mode 600).</summary>
    public const string FirstPasswordFileName = "initial-admin-password.txt";

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
    /// Creates a user with roles. <paramref name="mustChangePassword"/> forces a new password at first login.
    /// </summary>
    /// <exception cref="UserAdministrationException">Unknown role, missing department, existing e-mail, or a password the
    /// policy refuses; <see cref="UserAdministrationException.Field"/> names the input (Email, Password, Role, Department).</exception>
    public async Task<ApplicationUser> CreateUserAsync(string email, string password, IReadOnlyCollection<string> roleNames,
        string? department, string? displayName, bool mustChangePassword)
    {
        await EnsureRolesAsync();
        var unknown = roleNames.Where(r => !Roles.All.Contains(r)).ToList();
        if (unknown.Count > 0)
            throw new UserAdministrationException("Role", $"ロール {string.Join(", ", unknown)} は存在しません。使えるロール: {string.Join(", ", Roles.All)}");
        if (roleNames.Contains(Roles.Department) && string.IsNullOrWhiteSpace(department))
            throw new UserAdministrationException("Department", "主管課 (Department) ロールの利用者には所属課 (--department) が必要です。");
        if (await users.FindByEmailAsync(email) is not null)
            throw new UserAdministrationException("Email", $"{email} は既に登録されています。");

        var user = new ApplicationUser
        {
            UserName = email, Email = email, EmailConfirmed = true,
            Department = string.IsNullOrWhiteSpace(department) ? null : department.Trim(),
            DisplayName = string.IsNullOrWhiteSpace(displayName) ? null : displayName.Trim(),
            MustChangePassword = mustChangePassword, LockoutEnabled = true,
        };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            var field = created.Errors.All(e => e.Code.StartsWith("Password", StringComparison.Ordinal)) ? "Password" : "Email";
            throw new UserAdministrationException(field, $"{email} を作成できません: {string.Join(" ", created.Errors.Select(e => e.Description))}");
        }
        Check(await users.AddToRolesAsync(user, roleNames), $"{email} にロールを付与できません");
        logger.LogInformation("User {Email} created with roles {Roles}", email, string.Join(",", roleNames));
        return user;
    }

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

/// <summary>A user could not be created; <see cref="Field"/> names the offending input.</summary>
public sealed class UserAdministrationException(string field, string message) : InvalidOperationException(message)
{
    /// <summary>Email, Password, Role or Department.</summary>
    public string Field { get; } = field;
}
