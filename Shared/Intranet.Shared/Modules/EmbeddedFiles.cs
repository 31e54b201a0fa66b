using System.Reflection;

namespace Intranet.Shared.Modules;

/// <summary>Files a module ships inside its assembly (sample data for <c>seed-demo</c>, bundled plans).</summary>
public static class EmbeddedFiles
{
    /// <summary>The bytes of resource <paramref name="logicalName"/> of <paramref name="assembly"/>.</summary>
    /// <exception cref="InvalidOperationException">No such resource (a build mistake).</exception>
    public static byte[] Read(Assembly assembly, string logicalName)
    {
        using var stream = assembly.GetManifestResourceStream(logicalName)
            ?? throw new InvalidOperationException($"Resource {logicalName} is missing from {assembly.GetName().Name}.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
