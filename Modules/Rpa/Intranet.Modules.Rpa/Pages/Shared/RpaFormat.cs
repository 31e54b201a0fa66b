using System.Text.RegularExpressions;
using Intranet.Shared.Web;

namespace Intranet.Modules.Rpa.Pages.Shared;

/// <summary>The module's display helpers; numbers and dates go through the suite's one formatter (<see cref="Fmt"/>).</summary>
public static partial class RpaFormat
{
    /// <summary>Hours with one decimal and separators: 「1,234.5時間」; 「—」 for null.</summary>
    public static string Hours(decimal? h) => h is { } v ? Fmt.WithUnit(Math.Round(v, 1, MidpointRounding.AwayFromZero), "時間") : Fmt.Empty;

    /// <summary>Yen: 「1,234,500円」.</summary>
    public static string Yen(decimal v) => Fmt.Count((long)Math.Round(v, 0, MidpointRounding.AwayFromZero)) + "円";

    /// <summary>A number with separators.</summary>
    public static string Number(decimal? v) => Fmt.Number(v);

    /// <summary>A date as 「2022/04/01」.</summary>
    public static string Date(DateOnly? d) => Fmt.Date(d);

    /// <summary>Link to a case page.</summary>
    public static string CaseHref(string code) => "/rpa/cases/" + Uri.EscapeDataString(code);

    /// <summary>
    /// Who recorded something, as people read it: an import run in the background on behalf of a user is stored as
    /// <c>system (for user@…)</c> and shown as 「user@… (ファイル取込)」; the command line and jobs as 「システム (自動処理)」.
    /// </summary>
    public static string Who(string? by)
    {
        if (string.IsNullOrWhiteSpace(by)) return Fmt.Empty;
        var m = OnBehalfOf().Match(by);
        if (m.Success) return m.Groups[1].Value + " (ファイル取込)";
        return by.StartsWith("system", StringComparison.Ordinal) ? "システム (自動処理)" : by;
    }

    [GeneratedRegex(@"^system \(for (.+)\)$")]
    private static partial Regex OnBehalfOf();
}
