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

    /// <summary>Who recorded something, as people read it (<see cref="Fmt.Actor"/>).</summary>
    public static string Who(string? by) => Fmt.Actor(by);
}
