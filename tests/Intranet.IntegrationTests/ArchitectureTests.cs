using System.Xml.Linq;

namespace Intranet.IntegrationTests;

/// <summary>
/// Modules stay honest: a module's projects may reference another module only through its
/// <c>*.Contracts</c> project, and a Contracts project references no module implementation.
/// Checked on the project files (NetArchTest is not available here) and on the built assemblies.
/// </summary>
public sealed class ArchitectureTests
{
    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Intranet.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Intranet.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Every violation in the module project files under <paramref name="modulesRoot"/>.</summary>
    public static List<string> Violations(string modulesRoot)
    {
        var violations = new List<string>();
        foreach (var project in Directory.EnumerateFiles(modulesRoot, "*.csproj", SearchOption.AllDirectories))
        {
            var module = ModuleOf(modulesRoot, project);
            var isContracts = Path.GetFileNameWithoutExtension(project).EndsWith(".Contracts", StringComparison.Ordinal);
            foreach (var reference in XDocument.Load(project).Descendants("ProjectReference").Select(e => (string?)e.Attribute("Include")).OfType<string>())
            {
                var target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(project)!, reference.Replace('\\', '/')));
                if (!target.StartsWith(Path.GetFullPath(modulesRoot) + Path.DirectorySeparatorChar, StringComparison.Ordinal)) continue;
                var targetModule = ModuleOf(modulesRoot, target);
                var targetIsContracts = Path.GetFileNameWithoutExtension(target).EndsWith(".Contracts", StringComparison.Ordinal);
                if (targetModule != module && !targetIsContracts)
                    violations.Add($"{Path.GetFileName(project)} references {Path.GetFileName(target)} (another module's implementation; use its Contracts)");
                if (isContracts && !targetIsContracts)
                    violations.Add($"{Path.GetFileName(project)} (Contracts) references the implementation {Path.GetFileName(target)}");
            }
        }
        return violations;
    }

    private static string ModuleOf(string modulesRoot, string path) =>
        Path.GetRelativePath(modulesRoot, path).Split(Path.DirectorySeparatorChar)[0];

    [Fact]
    public void Modules_reference_each_other_only_through_contracts()
    {
        var modules = Path.Combine(RepositoryRoot(), "Modules");
        Assert.NotEmpty(Directory.EnumerateFiles(modules, "*.csproj", SearchOption.AllDirectories));
        var violations = Violations(modules);
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    [Fact]
    public void The_rule_catches_a_module_that_reaches_into_another()
    {
        var root = Directory.CreateTempSubdirectory("arch-").FullName;
        try
        {
            void Project(string module, string name, params string[] references)
            {
                var dir = Path.Combine(root, module, name);
                Directory.CreateDirectory(dir);
                new XDocument(new XElement("Project", new XElement("ItemGroup",
                    references.Select(r => new XElement("ProjectReference", new XAttribute("Include", r)))))).Save(Path.Combine(dir, name + ".csproj"));
            }
            Project("PlanKpi", "Intranet.Modules.PlanKpi.Contracts");
            Project("PlanKpi", "Intranet.Modules.PlanKpi", @"..\Intranet.Modules.PlanKpi.Contracts\Intranet.Modules.PlanKpi.Contracts.csproj");
            Project("Rpa", "Intranet.Modules.Rpa.Contracts", @"..\..\PlanKpi\Intranet.Modules.PlanKpi\Intranet.Modules.PlanKpi.csproj");
            Project("Rpa", "Intranet.Modules.Rpa",
                @"..\..\PlanKpi\Intranet.Modules.PlanKpi.Contracts\Intranet.Modules.PlanKpi.Contracts.csproj",
                @"..\..\PlanKpi\Intranet.Modules.PlanKpi\Intranet.Modules.PlanKpi.csproj");
            var violations = Violations(root);
            Assert.Equal(3, violations.Count);
            Assert.Contains(violations, v => v.StartsWith("Intranet.Modules.Rpa.csproj references Intranet.Modules.PlanKpi.csproj"));
            Assert.Contains(violations, v => v.Contains("(Contracts) references the implementation"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Built_module_assemblies_reference_other_modules_only_through_contracts()
    {
        var moduleAssemblies = AppDomain.CurrentDomain.GetAssemblies().Append(typeof(Intranet.Modules.PlanKpi.PlanKpiModule).Assembly)
            .Where(a => a.GetName().Name!.StartsWith("Intranet.Modules.", StringComparison.Ordinal)).Distinct().ToList();
        Assert.NotEmpty(moduleAssemblies);
        foreach (var assembly in moduleAssemblies)
        {
            var name = assembly.GetName().Name!;
            var module = name.Split('.')[2];
            foreach (var reference in assembly.GetReferencedAssemblies().Select(r => r.Name!).Where(n => n.StartsWith("Intranet.Modules.", StringComparison.Ordinal)))
            {
                var other = reference.Split('.')[2];
                Assert.True(other == module || reference.EndsWith(".Contracts", StringComparison.Ordinal), $"{name} references {reference}");
            }
            Assert.DoesNotContain(assembly.GetReferencedAssemblies(), r => r.Name == "Intranet.Host");
        }
    }
}
