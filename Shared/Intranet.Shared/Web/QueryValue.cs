using System.Globalization;

namespace Intranet.Shared.Web;

/// <summary>
/// Lenient reading of query-string values. Pages take them as strings and read them here, so a
/// hand-edited or old bookmark (<c>?fy=abc</c>, <c>?saved=1</c>) falls back to the default instead of
/// failing the whole page as the framework's typed binding would.
/// </summary>
public static class QueryValue
{
    /// <summary>An integer, or null when absent or not a number.</summary>
    public static int? Int(string? text) => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;

    /// <summary>True for <c>true</c>, <c>1</c>, <c>on</c>, <c>yes</c> (any case); false otherwise.</summary>
    public static bool Flag(string? text) => text?.Trim().ToLowerInvariant() is "true" or "1" or "on" or "yes";
}
