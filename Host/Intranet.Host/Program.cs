using Intranet.Host.CommandLine;
using Intranet.Host.Infrastructure;

// The host binary is both the web server and the admin tool: `Intranet.Host VERB …` runs a command and exits.
if (AdminCommands.IsCommand(args)) return await AdminCommands.RunAsync(args);

var builder = WebApplication.CreateBuilder(args);
builder.AddIntranet(ModuleCatalog.Create());
var app = builder.Build();
app.UseIntranet();
await StartupInitializer.InitializeAsync(app.Services, app.Configuration, app.Lifetime.ApplicationStopping);
await app.RunAsync();
return 0;

/// <summary>Entry point type, visible to <c>WebApplicationFactory&lt;Program&gt;</c> in the tests.</summary>
public partial class Program;
