using System.Diagnostics;
using System.Text;

namespace Intranet.BrowserTests.Infrastructure;

/// <summary>
/// Where the published host (Intranet.Host.dll) is: INTRANET_HOST_DIR when the test script has published it
/// already, otherwise a folder this test run publishes once (<c>dotnet publish Host/Intranet.Host -c Release</c>)
/// and deletes when the test process exits.
/// </summary>
public static class HostBinaries
{
    /// <summary>The entry assembly inside the host folder.</summary>
    public const string HostDllName = "Intranet.Host.dll";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _published;

    /// <summary>The folder holding <see cref="HostDllName"/>; publishes on first use when INTRANET_HOST_DIR is unset.</summary>
    public static async Task<string> GetHostDirectoryAsync()
    {
        DeleteLeftoversOfEndedRuns();
        var configured = Environment.GetEnvironmentVariable("INTRANET_HOST_DIR");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var dir = Path.GetFullPath(configured);
            if (!File.Exists(Path.Combine(dir, HostDllName)))
                throw new InvalidOperationException($"INTRANET_HOST_DIR={configured} does not contain {HostDllName}.");
            return dir;
        }

        await Gate.WaitAsync();
        try
        {
            if (_published is not null) return _published;
            var output = Path.Combine(Path.GetTempPath(), $"{PublishPrefix}{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
            AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDeleteDirectory(output);
            var repoRoot = FindRepositoryRoot();
            try
            {
                await PublishAsync(repoRoot, output);
            }
            catch (InvalidOperationException first)
            {
                // Another build of the same project (a colleague's `dotnet build`) can disturb a publish: try once more.
                TryDeleteDirectory(output);
                try
                {
                    await PublishAsync(repoRoot, output);
                }
                catch (InvalidOperationException second)
                {
                    throw new InvalidOperationException(second.Message + "\n--- first attempt ---\n" + first.Message);
                }
            }
            _published = output;
            return output;
        }
        finally
        {
            Gate.Release();
        }
    }

    private const string PublishPrefix = "intranet-browsertests-host-";

    /// <summary>
    /// The test process is not always allowed to run its exit handlers (the test platform may end it), so a folder
    /// published by an earlier run whose process (the number in the name) is gone is deleted here.
    /// </summary>
    private static void DeleteLeftoversOfEndedRuns()
    {
        foreach (var dir in Directory.EnumerateDirectories(Path.GetTempPath(), PublishPrefix + "*"))
        {
            var rest = Path.GetFileName(dir)[PublishPrefix.Length..];
            var dash = rest.IndexOf('-');
            if (dash <= 0 || !int.TryParse(rest[..dash], out var pid) || pid == Environment.ProcessId) continue;
            if (!IsRunning(pid)) TryDeleteDirectory(dir);
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>
    /// The repository root: the nearest folder above the test binaries holding Intranet.sln (or Intranet.slnx);
    /// failing that, the nearest holding global.json.
    /// </summary>
    public static string FindRepositoryRoot()
    {
        var start = new DirectoryInfo(AppContext.BaseDirectory);
        foreach (var marker in new[] { "Intranet.sln", "Intranet.slnx", "global.json" })
        {
            for (var d = start; d is not null; d = d.Parent)
            {
                if (File.Exists(Path.Combine(d.FullName, marker))) return d.FullName;
            }
        }
        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} contains Intranet.sln or global.json.");
    }

    private static async Task PublishAsync(string repoRoot, string output)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = repoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "publish", "Host/Intranet.Host", "-c", "Release", "-o", output, "--disable-build-servers", "-nodeReuse:false" })
            psi.ArgumentList.Add(a);
        // The test host may carry MSBuild settings of the `dotnet test` that started it; the publish must not inherit them.
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
            psi.Environment.Remove(key);
        psi.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";

        var (exitCode, log) = await ProcessRunner.RunAsync(psi, TimeSpan.FromMinutes(10));
        if (exitCode != 0 || !File.Exists(Path.Combine(output, HostDllName)))
        {
            var found = Directory.Exists(output) ? string.Join(", ", Directory.EnumerateFileSystemEntries(output).Select(Path.GetFileName).Take(20)) : "(no folder)";
            throw new InvalidOperationException($"`dotnet publish Host/Intranet.Host -c Release -o {output}` failed (exit {exitCode}; " +
                                                $"{HostDllName} {(File.Exists(Path.Combine(output, HostDllName)) ? "present" : "missing")}; output folder: {found}):\n{log}");
        }
    }

    /// <summary>Deletes a folder, retrying briefly while a just-killed process still holds files.</summary>
    public static void TryDeleteDirectory(string path)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
                return;
            }
            catch (IOException) { Thread.Sleep(200); }
            catch (UnauthorizedAccessException) { Thread.Sleep(200); }
        }
    }
}

/// <summary>Runs a short-lived process to completion, capturing its output.</summary>
public static class ProcessRunner
{
    /// <summary>Runs <paramref name="psi"/> (which must redirect both streams); kills it after <paramref name="timeout"/>.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(ProcessStartInfo psi, TimeSpan timeout)
    {
        var log = new StringBuilder();
        using var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine("[stderr] " + e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            lock (log) return (-1, $"timed out after {timeout.TotalSeconds:0} s\n{log}");
        }
        lock (log) return (process.ExitCode, log.ToString());
    }
}
