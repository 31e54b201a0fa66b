namespace Intranet.Shared.Time;

/// <summary>Dates as the city sees them (Japan Standard Time).</summary>
public static class TimeProviderExtensions
{
    /// <summary>Today's date in Japan (UTC+9).</summary>
    public static DateOnly TodayInJapan(this TimeProvider clock) =>
        DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(FiscalYear.JapanOffset).DateTime);

    /// <summary>An instant shown in Japan time: 「2026/11/21 14:05」.</summary>
    public static string ToJapanTimeText(this DateTimeOffset instant) =>
        instant.ToOffset(FiscalYear.JapanOffset).ToString("yyyy/MM/dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);
}
