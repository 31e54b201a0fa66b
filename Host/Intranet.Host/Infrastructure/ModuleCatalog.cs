using Intranet.Modules.PlanKpi;
using Intranet.Modules.Paperless;
using Intranet.Modules.Rpa;
using Intranet.Modules.Telework;
using Intranet.Shared.Modules;

namespace Intranet.Host.Infrastructure;

/// <summary>The modules this host runs, listed explicitly: adding a module is one line here plus a project reference.</summary>
public static class ModuleCatalog
{
    /// <summary>A fresh list of the host's modules, in navigation order.</summary>
    public static List<IModule> Create() =>
    [
        new PlanKpiModule(),
        new RpaModule(),
        new PaperlessModule(),
        new TeleworkModule(),
    ];
}
