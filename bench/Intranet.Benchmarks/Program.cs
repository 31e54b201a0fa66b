using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// Micro-benchmarks of the import parser, the audit JSON of bulk inserts and a KPI rule (issue #12). Run from this folder:
//   dotnet run -c Release -- --filter '*'            every benchmark
//   dotnet run -c Release -- --filter '*Parser*'     only the import parser
// Results land in BenchmarkDotNet.Artifacts/ (ignored by git); the figures of the latest run are in docs/perf/bench.md.
// In process: BenchmarkDotNet's default toolchain rebuilds the solution's projects for each run, which exceeds its
// two-minute build timeout on a busy 2-core machine; this project is already built in Release.
var config = DefaultConfig.Instance.AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance));
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
