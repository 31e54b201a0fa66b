using System.Globalization;

namespace Intranet.Modules.Rpa.Pages.Shared;

/// <summary>Formatting shared by the module's pages.</summary>
public static class RpaFormat
{
    private static readonly CultureInfo Japanese = CultureInfo.GetCultureInfo("ja-JP");

    /// <summary>Hours with one decimal and separators: 「1,234.5時間」.</summary>
    public static string Hours(decimal? h) => h is { } v ? v.ToString("#,0.#", Japanese) + "時間" : "—";

    /// <summary>Yen: 「1,234,500円」.</summary>
    public static string Yen(decimal v) => v.ToString("#,0", Japanese) + "円";

    /// <summary>A number with separators.</summary>
    public static string Number(decimal? v) => v is { } x ? x.ToString("#,0.##", Japanese) : "—";

    /// <summary>A date as 「2022/04/01」.</summary>
    public static string Date(DateOnly? d) => d is { } x ? x.ToString("yyyy/MM/dd", CultureInfo.InvariantCulture) : "—";

    /// <summary>Link to a case page.</summary>
    public static string CaseHref(string code) => "/rpa/cases/" + Uri.EscapeDataString(code);
}
