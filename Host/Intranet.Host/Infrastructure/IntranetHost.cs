using Intranet.Host.Components;
using Intranet.Host.Home;
using Intranet.Host.Identity;
using Intranet.Shared.Messaging;
using Intranet.Shared.Modules;
using Intranet.Shared.Persistence;
using Intranet.Shared.Security;
using Intranet.Shared.Web;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Quartz;
using Radzen;

namespace Intranet.Host.Infrastructure;

/// <summary>Builds the web host: services of the host and of every module, and the request pipeline.</summary>
public static class IntranetHost
{
    /// <summary>Registers everything; <paramref name="modules"/> comes from <see cref="ModuleCatalog"/>.</summary>
    public static void AddIntranet(this WebApplicationBuilder builder, IReadOnlyList<IModule> modules)
    {
        var services = builder.Services;
        var settings = DatabaseSettings.FromConfiguration(builder.Configuration, builder.Environment.ContentRootPath);
        services.AddSingleton(settings);
        services.AddHostedService<RunningHostLock>();   // restore refuses while a host runs on the SQLite file
        services.AddSingleton<IReadOnlyList<IModule>>(modules);
        services.AddSingleton(TimeProvider.System);
        services.AddHttpContextAccessor();
        services.AddScoped<ICurrentUser, HttpCurrentUser>();
        // Structured logs for log collectors when asked for (Logging:Json=true, with user and request id); plain console
        // otherwise; OpenTelemetry traces and metrics, exported when an OTLP endpoint is configured (Observability).
        builder.AddObservability();

        foreach (var module in modules) module.AddServices(services, builder.Configuration);

        // Identity: one user store for the whole suite.
        var login = LoginProtectionSettings.Read(builder.Configuration);
        services.AddSingleton(login);
        services.AddSingleton<LoginThrottle>();
        services.AddDbContext<IdentityDb>((sp, b) => IntranetDatabase.Configure(b, sp.GetRequiredService<DatabaseSettings>(), IdentityDb.SchemaName),
            optionsLifetime: ServiceLifetime.Singleton);
        services.AddSingleton(new ModuleDbContextRegistration(typeof(IdentityDb), IdentityDb.SchemaName));
        services.AddIdentity<ApplicationUser, IdentityRole>(o =>
            {
                o.Password.RequiredLength = 12;
                o.Password.RequireDigit = true;
                o.Password.RequireLowercase = true;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                // The per-account ceiling (all addresses together); the per-(account, address) lock is LoginThrottle's.
                o.Lockout.MaxFailedAccessAttempts = login.AccountMaxFailures;
                o.Lockout.DefaultLockoutTimeSpan = login.AccountLockout;
                o.Lockout.AllowedForNewUsers = true;
                o.User.RequireUniqueEmail = true;
            })
            .AddEntityFrameworkStores<IdentityDb>()
            .AddDefaultTokenProviders()
            .AddErrorDescriber<JapaneseIdentityErrorDescriber>()
            .AddSignInManager<IntranetSignInManager>()
            .AddClaimsPrincipalFactory<IdentityClaimsFactory>();
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/account/login";
            o.LogoutPath = "/account/logout";
            o.AccessDeniedPath = "/account/access-denied";
            o.Cookie.Name = "Intranet.Auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            // Secure whenever the request came over HTTPS (directly or through the reverse proxy's X-Forwarded-Proto).
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            // The security stamp is checked on every request (logout, password change, disabling end every session at
            // once); Identity's validator still refreshes the claims every 5 minutes. See SessionValidation.
            o.Events.OnValidatePrincipal = SessionValidation.ValidatePrincipalAsync;
        });
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(5));
        // The key ring lives in the database, so every host on it reads the same keys: a cookie or antiforgery token
        // issued by one host is accepted by the others (issue #11). Keys once in {data}/keys are not carried over.
        services.AddDbContext<HostDb>((sp, b) => IntranetDatabase.Configure(b, sp.GetRequiredService<DatabaseSettings>(), HostDb.SchemaName),
            optionsLifetime: ServiceLifetime.Singleton);
        services.AddSingleton(new ModuleDbContextRegistration(typeof(HostDb), HostDb.SchemaName));
        services.AddDataProtection().SetApplicationName("Intranet").PersistKeysToDbContext<HostDb>();
        services.AddScoped<UserAdministration>();
        services.AddScoped<Intranet.Shared.Mail.IUserDirectory, UserDirectory>();
        services.AddSingleton(Intranet.Shared.Mail.SmtpSettings.Read(builder.Configuration));
        services.AddSingleton<Intranet.Shared.Mail.IMailSender, Intranet.Shared.Mail.SmtpMailSender>();
        Imports.ImportEndpoints.AddImportPages(services);
        Intranet.Shared.Import.ImportPipelineRegistration.AddImportPipeline(services);
        services.AddSingleton<DatabaseMigrator>();

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(SharedPolicies.AnyRole, p => p.RequireRole(Roles.All))
            .AddPolicy(SharedPolicies.Administrator, p => p.RequireRole(Roles.Administrator));

        services.AddIntranetMediator(modules.Select(m => m.PagesAssembly).Append(typeof(IntranetHost).Assembly).Append(typeof(Intranet.Shared.Import.ImportPipeline).Assembly));
        // Innermost behaviour: a use case sent for an ended session (logged out elsewhere, password changed) is refused.
        services.AddScoped(typeof(MediatR.IPipelineBehavior<,>), typeof(SessionStampBehavior<,>));
        services.AddWorkItemSources(modules.Select(m => m.PagesAssembly).Append(typeof(IntranetHost).Assembly));
        Intranet.Shared.Auditing.AuditRegistration.AddAuditSources(services, modules.Select(m => m.PagesAssembly).Append(typeof(IntranetHost).Assembly));
        // Japanese text is written as UTF-8 characters, not as &#x...; escapes (smaller pages, readable source).
        services.AddWebEncoders(o => o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        // Account pages render statically (they set the cookie); the application's pages are interactive server
        // components. A disconnected circuit is kept 3 minutes; after that .NET 10 keeps the pages' [PersistentState]
        // values in memory for 2 hours, so a reconnecting browser resumes with unsaved input (not across a restart).
        services.AddRazorComponents().AddInteractiveServerComponents(o =>
        {
            o.DetailedErrors = builder.Environment.IsDevelopment();
            o.DisconnectedCircuitRetentionPeriod = TimeSpan.FromMinutes(3);
            o.PersistedCircuitInMemoryRetentionPeriod = TimeSpan.FromHours(2);
        });
        services.AddIntranetUseCases();
        services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, RevalidatingIdentityStateProvider>();
        services.AddCascadingAuthenticationState();
        services.AddRadzenComponents();
        services.AddSharedPageCache();
        services.AddSingleton<KeyedRowReader>();
        services.AddReadinessChecks();
        WebSecurity.AddWebSecurity(services, builder.Configuration, login);
        services.AddQuartz(q =>
        {
            JobScheduling.Configure(q, settings);
            Intranet.Shared.Import.ImportDropFolderJob.Configure(q, builder.Configuration);
            foreach (var module in modules) module.ConfigureJobs(q);
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);

        // Package static files (Radzen's CSS) from the build output in every environment, not only Development.
        builder.WebHost.UseStaticWebAssets();
    }

    /// <summary>The request pipeline: static files, authentication, the password-change gate, antiforgery, endpoints, pages.</summary>
    public static void UseIntranet(this WebApplication app)
    {
        var modules = app.Services.GetRequiredService<IReadOnlyList<IModule>>();
        app.UseForwardedHeaders();
        app.UseRateLimiter();
        if (!app.Environment.IsDevelopment()) app.UseExceptionHandler("/error", createScopeForErrors: true);
        app.UseStatusCodePagesWithReExecute("/status/{0}", createScopeForStatusCodePages: true);
        // Database unreachable: 503 「一時的に利用できません」 (inside the exception handler, so it sees the exception first).
        app.UseDatabaseOutagePage();
        app.MapStaticAssets().AllowAnonymous();
        app.UseAuthentication();
        app.UseRequestLogging();
        app.UseAuthorization();
        app.UseMustChangePassword();
        app.UseAntiforgery();
        app.UseUseCaseErrors();
        app.UseSharedPageCache();   // after authentication (session check), authorization and the password redirect

        app.MapHealthChecks("/health/live", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { Predicate = _ => false })
            .AllowAnonymous();
        app.MapHealthChecks("/health/ready", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions
            {
                Predicate = c => c.Tags.Contains(ReadinessChecks.ReadyTag), ResponseWriter = ReadinessChecks.WriteJsonAsync,
            })
            .AllowAnonymous();
        // Logout ends every session of the user (new security stamp) and needs the layout form's antiforgery token:
        // without it, 400 (a page elsewhere cannot log the user out).
        app.MapPost("/account/logout", async (HttpContext context, Microsoft.AspNetCore.Antiforgery.IAntiforgery antiforgery,
            SignInManager<ApplicationUser> signIn, UserManager<ApplicationUser> users) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context)) return Results.StatusCode(StatusCodes.Status400BadRequest);
            await SessionValidation.SignOutEverywhereAsync(users, signIn, await users.GetUserAsync(context.User));
            return Results.LocalRedirect("/account/login");
        }).RequireAuthorization();

        foreach (var module in modules) module.MapEndpoints(app);
        Imports.ImportEndpoints.MapImportEndpoints(app);
        Audit.AuditEndpoints.Map(app);
        app.MapRazorComponents<App>()
            .AddInteractiveServerRenderMode()
            .AddAdditionalAssemblies(modules.Select(m => m.PagesAssembly).Distinct().ToArray());
    }
}
