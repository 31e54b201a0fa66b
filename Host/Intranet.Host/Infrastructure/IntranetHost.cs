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
        services.AddSingleton<IReadOnlyList<IModule>>(modules);
        services.AddSingleton(TimeProvider.System);
        services.AddHttpContextAccessor();
        services.AddScoped<ICurrentUser, HttpCurrentUser>();
        // Structured logs for log collectors when asked for (Logging:Json=true, with user and request id); plain console
        // otherwise; OpenTelemetry traces and metrics, exported when an OTLP endpoint is configured (Observability).
        builder.AddObservability();

        foreach (var module in modules) module.AddServices(services, builder.Configuration);

        // Identity: one user store for the whole suite.
        services.AddDbContext<IdentityDb>((sp, b) => IntranetDatabase.Configure(b, sp.GetRequiredService<DatabaseSettings>(), IdentityDb.SchemaName));
        services.AddSingleton(new ModuleDbContextRegistration(typeof(IdentityDb), IdentityDb.SchemaName));
        services.AddIdentity<ApplicationUser, IdentityRole>(o =>
            {
                o.Password.RequiredLength = 12;
                o.Password.RequireDigit = true;
                o.Password.RequireLowercase = true;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
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
        });
        // Sessions of a disabled user, or of one whose password was reset, end at the next check of the security stamp.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(5));
        // The key ring lives in the database, so every host on it reads the same keys: a cookie or antiforgery token
        // issued by one host is accepted by the others (issue #11). Keys once in {data}/keys are not carried over.
        services.AddDbContext<HostDb>((sp, b) => IntranetDatabase.Configure(b, sp.GetRequiredService<DatabaseSettings>(), HostDb.SchemaName));
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
        services.AddWorkItemSources(modules.Select(m => m.PagesAssembly).Append(typeof(IntranetHost).Assembly));
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
        services.AddReadinessChecks();
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
        });
        services.AddQuartz(q =>
        {
            JobScheduling.Configure(q, settings);
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

        app.MapHealthChecks("/health/live", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { Predicate = _ => false })
            .AllowAnonymous();
        app.MapHealthChecks("/health/ready", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions
            {
                Predicate = c => c.Tags.Contains(ReadinessChecks.ReadyTag), ResponseWriter = ReadinessChecks.WriteJsonAsync,
            })
            .AllowAnonymous();
        app.MapPost("/account/logout", async (SignInManager<ApplicationUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return Results.LocalRedirect("/account/login");
        }).RequireAuthorization();

        foreach (var module in modules) module.MapEndpoints(app);
        Imports.ImportEndpoints.MapImportEndpoints(app);
        app.MapRazorComponents<App>()
            .AddInteractiveServerRenderMode()
            .AddAdditionalAssemblies(modules.Select(m => m.PagesAssembly).Distinct().ToArray());
    }
}
