using Intranet.Shared.Persistence;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Intranet.Host.Identity;

/// <summary>The Identity tables (schema version 1) plus the suite's user columns, hand-written (no design-time tools here).</summary>
[DbContext(typeof(IdentityDb))]
[Migration("202611210001_Identity_Initial")]
public sealed class IdentityInitial : ModuleMigration
{
    /// <inheritdoc />
    protected override string ModuleSchema => IdentityDb.SchemaName;

    /// <inheritdoc />
    protected override void Up(MigrationBuilder m)
    {
        EnsureSchema(m);
        m.CreateTable(name: Table("AspNetRoles"), schema: Schema, columns: t => new
        {
            Id = t.Column<string>(nullable: false),
            Name = t.Column<string>(maxLength: 256, nullable: true),
            NormalizedName = t.Column<string>(maxLength: 256, nullable: true),
            ConcurrencyStamp = t.Column<string>(nullable: true),
        }, constraints: t => t.PrimaryKey($"PK_{Table("AspNetRoles")}", x => x.Id));

        m.CreateTable(name: Table("AspNetUsers"), schema: Schema, columns: t => new
        {
            Id = t.Column<string>(nullable: false),
            DisplayName = t.Column<string>(nullable: true),
            Department = t.Column<string>(nullable: true),
            MustChangePassword = t.Column<bool>(nullable: false),
            UserName = t.Column<string>(maxLength: 256, nullable: true),
            NormalizedUserName = t.Column<string>(maxLength: 256, nullable: true),
            Email = t.Column<string>(maxLength: 256, nullable: true),
            NormalizedEmail = t.Column<string>(maxLength: 256, nullable: true),
            EmailConfirmed = t.Column<bool>(nullable: false),
            PasswordHash = t.Column<string>(nullable: true),
            SecurityStamp = t.Column<string>(nullable: true),
            ConcurrencyStamp = t.Column<string>(nullable: true),
            PhoneNumber = t.Column<string>(nullable: true),
            PhoneNumberConfirmed = t.Column<bool>(nullable: false),
            TwoFactorEnabled = t.Column<bool>(nullable: false),
            LockoutEnd = t.Column<DateTimeOffset>(nullable: true),
            LockoutEnabled = t.Column<bool>(nullable: false),
            AccessFailedCount = t.Column<int>(nullable: false),
        }, constraints: t => t.PrimaryKey($"PK_{Table("AspNetUsers")}", x => x.Id));

        m.CreateTable(name: Table("AspNetRoleClaims"), schema: Schema, columns: t => new
        {
            Id = t.Column<int>(nullable: false)
                .Annotation("Sqlite:Autoincrement", true)
                .Annotation("Npgsql:ValueGenerationStrategy", Npgsql.EntityFrameworkCore.PostgreSQL.Metadata.NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
            RoleId = t.Column<string>(nullable: false),
            ClaimType = t.Column<string>(nullable: true),
            ClaimValue = t.Column<string>(nullable: true),
        }, constraints: t =>
        {
            t.PrimaryKey($"PK_{Table("AspNetRoleClaims")}", x => x.Id);
            t.ForeignKey($"FK_{Table("AspNetRoleClaims")}_{Table("AspNetRoles")}_RoleId", x => x.RoleId, Table("AspNetRoles"), "Id",
                principalSchema: Schema, onDelete: ReferentialAction.Cascade);
        });

        m.CreateTable(name: Table("AspNetUserClaims"), schema: Schema, columns: t => new
        {
            Id = t.Column<int>(nullable: false)
                .Annotation("Sqlite:Autoincrement", true)
                .Annotation("Npgsql:ValueGenerationStrategy", Npgsql.EntityFrameworkCore.PostgreSQL.Metadata.NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
            UserId = t.Column<string>(nullable: false),
            ClaimType = t.Column<string>(nullable: true),
            ClaimValue = t.Column<string>(nullable: true),
        }, constraints: t =>
        {
            t.PrimaryKey($"PK_{Table("AspNetUserClaims")}", x => x.Id);
            t.ForeignKey($"FK_{Table("AspNetUserClaims")}_{Table("AspNetUsers")}_UserId", x => x.UserId, Table("AspNetUsers"), "Id",
                principalSchema: Schema, onDelete: ReferentialAction.Cascade);
        });

        m.CreateTable(name: Table("AspNetUserLogins"), schema: Schema, columns: t => new
        {
            LoginProvider = t.Column<string>(nullable: false),
            ProviderKey = t.Column<string>(nullable: false),
            ProviderDisplayName = t.Column<string>(nullable: true),
            UserId = t.Column<string>(nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey($"PK_{Table("AspNetUserLogins")}", x => new { x.LoginProvider, x.ProviderKey });
            t.ForeignKey($"FK_{Table("AspNetUserLogins")}_{Table("AspNetUsers")}_UserId", x => x.UserId, Table("AspNetUsers"), "Id",
                principalSchema: Schema, onDelete: ReferentialAction.Cascade);
        });

        m.CreateTable(name: Table("AspNetUserRoles"), schema: Schema, columns: t => new
        {
            UserId = t.Column<string>(nullable: false),
            RoleId = t.Column<string>(nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey($"PK_{Table("AspNetUserRoles")}", x => new { x.UserId, x.RoleId });
            t.ForeignKey($"FK_{Table("AspNetUserRoles")}_{Table("AspNetRoles")}_RoleId", x => x.RoleId, Table("AspNetRoles"), "Id",
                principalSchema: Schema, onDelete: ReferentialAction.Cascade);
            t.ForeignKey($"FK_{Table("AspNetUserRoles")}_{Table("AspNetUsers")}_UserId", x => x.UserId, Table("AspNetUsers"), "Id",
                principalSchema: Schema, onDelete: ReferentialAction.Cascade);
        });

        m.CreateTable(name: Table("AspNetUserTokens"), schema: Schema, columns: t => new
        {
            UserId = t.Column<string>(nullable: false),
            LoginProvider = t.Column<string>(nullable: false),
            Name = t.Column<string>(nullable: false),
            Value = t.Column<string>(nullable: true),
        }, constraints: t =>
        {
            t.PrimaryKey($"PK_{Table("AspNetUserTokens")}", x => new { x.UserId, x.LoginProvider, x.Name });
            t.ForeignKey($"FK_{Table("AspNetUserTokens")}_{Table("AspNetUsers")}_UserId", x => x.UserId, Table("AspNetUsers"), "Id",
                principalSchema: Schema, onDelete: ReferentialAction.Cascade);
        });

        m.CreateIndex($"IX_{Table("AspNetRoleClaims")}_RoleId", Table("AspNetRoleClaims"), "RoleId", Schema);
        m.CreateIndex("RoleNameIndex", Table("AspNetRoles"), "NormalizedName", Schema, unique: true);
        m.CreateIndex($"IX_{Table("AspNetUserClaims")}_UserId", Table("AspNetUserClaims"), "UserId", Schema);
        m.CreateIndex($"IX_{Table("AspNetUserLogins")}_UserId", Table("AspNetUserLogins"), "UserId", Schema);
        m.CreateIndex($"IX_{Table("AspNetUserRoles")}_RoleId", Table("AspNetUserRoles"), "RoleId", Schema);
        m.CreateIndex("EmailIndex", Table("AspNetUsers"), "NormalizedEmail", Schema);
        m.CreateIndex("UserNameIndex", Table("AspNetUsers"), "NormalizedUserName", Schema, unique: true);
    }
}

/// <summary>
/// Schema version 2 (issue #8, user administration): the last sign-in and the disabled flag of each user, and the
/// <c>AuditEntries</c> table recording who changed which user (roles, department, disabling, password resets).
/// </summary>
[DbContext(typeof(IdentityDb))]
[Migration("202611300001_Identity_UserAdministration")]
public sealed class IdentityUserAdministration : ModuleMigration
{
    /// <inheritdoc />
    protected override string ModuleSchema => IdentityDb.SchemaName;

    /// <inheritdoc />
    protected override void Up(MigrationBuilder m)
    {
        m.AddColumn<DateTimeOffset>(name: "LastLoginAt", table: Table("AspNetUsers"), schema: Schema, nullable: true);
        m.AddColumn<DateTimeOffset>(name: "DisabledAt", table: Table("AspNetUsers"), schema: Schema, nullable: true);
        CreateAuditTable(m);
    }
}
