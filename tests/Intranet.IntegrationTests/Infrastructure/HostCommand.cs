using System.Diagnostics;

namespace Intranet.IntegrationTests.Infrastructure;

/// <summary>The host binary as admin tool, run as a real process on a given data folder (the command-line tests of every module).</summary>
public static class HostCommand
{
    /// <summary>Runs <c>dotnet Intranet.Host.dll ARGS</c> with <c>Intranet__DataDirectory</c> set; returns exit code, standard output and error.</summary>
    public static async Task<(int Exit, string Out, string Err)> RunAsync(string dataDirectory, params string[] args)
    {
        var host = Path.Combine(AppContext.BaseDirectory, "Intranet.Host.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(host);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["Intranet__DataDirectory"] = dataDirectory;
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
