using Intranet.Shared.Time;

namespace Intranet.UnitTests;

public class FiscalYearTests
{
    // ---- Of(DateOnly) ----------------------------------------------------------------------------

    [Theory]
    [InlineData(2022, 3, 31, 2021)]
    [InlineData(2022, 4, 1, 2022)]
    [InlineData(2022, 1, 1, 2021)]
    [InlineData(2021, 12, 31, 2021)]
    [InlineData(2022, 12, 31, 2022)]
    [InlineData(2023, 1, 1, 2022)]
    [InlineData(2024, 2, 29, 2023)]
    public void Of_date_uses_april_as_first_month(int y, int m, int d, int expectedStartYear)
    {
        Assert.Equal(expectedStartYear, FiscalYear.Of(new DateOnly(y, m, d)).StartYear);
    }

    // ---- Of(DateTimeOffset): Japan time --------------------------------------------------------------

    [Fact]
    public void Of_instant_at_midnight_april_first_JST_is_new_year()
    {
        // 2022-03-31T15:00Z = 2022-04-01 00:00 JST
        var instant = new DateTimeOffset(2022, 3, 31, 15, 0, 0, TimeSpan.Zero);
        Assert.Equal(new FiscalYear(2022), FiscalYear.Of(instant));
    }

    [Fact]
    public void Of_instant_one_second_before_midnight_JST_is_old_year()
    {
        // 2022-03-31T14:59:59Z = 2022-03-31 23:59:59 JST
        var instant = new DateTimeOffset(2022, 3, 31, 14, 59, 59, TimeSpan.Zero);
        Assert.Equal(new FiscalYear(2021), FiscalYear.Of(instant));
    }

    [Fact]
    public void Of_instant_ignores_the_offset_it_was_written_in()
    {
        // 2022-03-31 10:00 at -05:00 = 2022-03-31T15:00Z = 2022-04-01 00:00 JST
        var instant = new DateTimeOffset(2022, 3, 31, 10, 0, 0, TimeSpan.FromHours(-5));
        Assert.Equal(2022, FiscalYear.Of(instant).StartYear);
    }

    [Fact]
    public void JapanOffset_is_plus_nine_hours()
    {
        Assert.Equal(TimeSpan.FromHours(9), FiscalYear.JapanOffset);
    }

    // ---- Start / End / Contains / Next / Previous ------------------------------------------------------

    [Fact]
    public void Start_and_End_span_april_to_march()
    {
        var fy = new FiscalYear(2021);
        Assert.Equal(new DateOnly(2021, 4, 1), fy.Start);
        Assert.Equal(new DateOnly(2022, 3, 31), fy.End);
    }

    [Theory]
    [InlineData(2021, 4, 1, true)]
    [InlineData(2022, 3, 31, true)]
    [InlineData(2021, 10, 15, true)]
    [InlineData(2021, 3, 31, false)]
    [InlineData(2022, 4, 1, false)]
    public void Contains_includes_both_ends(int y, int m, int d, bool expected)
    {
        Assert.Equal(expected, new FiscalYear(2021).Contains(new DateOnly(y, m, d)));
    }

    [Fact]
    public void Next_and_Previous()
    {
        Assert.Equal(2022, new FiscalYear(2021).Next.StartYear);
        Assert.Equal(2020, new FiscalYear(2021).Previous.StartYear);
    }

    // ---- Labels --------------------------------------------------------------------------------------

    [Theory]
    [InlineData(2021, "令和3年度(2021)")]
    [InlineData(2019, "令和元年度(2019)")]
    [InlineData(2020, "令和2年度(2020)")]
    [InlineData(2018, "平成30年度(2018)")]
    [InlineData(1989, "平成元年度(1989)")]
    [InlineData(1988, "昭和63年度(1988)")]
    public void Label(int startYear, string expected)
    {
        Assert.Equal(expected, new FiscalYear(startYear).Label);
        Assert.Equal(expected, new FiscalYear(startYear).ToString());
    }

    [Theory]
    [InlineData(2021, "令和3年度")]
    [InlineData(2019, "令和元年度")]
    [InlineData(2018, "平成30年度")]
    [InlineData(1989, "平成元年度")]
    [InlineData(1988, "昭和63年度")]
    public void EraLabel(int startYear, string expected)
    {
        Assert.Equal(expected, new FiscalYear(startYear).EraLabel);
    }

    [Fact]
    public void Era_of_FY2019_is_reiwa_although_april_2019_was_heisei()
    {
        Assert.Same(JapaneseEra.Reiwa, new FiscalYear(2019).Era);
        Assert.Same(JapaneseEra.Heisei, JapaneseEra.On(new DateOnly(2019, 4, 1)));
    }

    // ---- JapaneseEra.FormatDate ----------------------------------------------------------------------

    [Theory]
    [InlineData(2019, 4, 30, "平成31年4月30日")]
    [InlineData(2019, 5, 1, "令和元年5月1日")]
    [InlineData(2021, 4, 1, "令和3年4月1日")]
    [InlineData(1989, 1, 7, "昭和64年1月7日")]
    [InlineData(1989, 1, 8, "平成元年1月8日")]
    [InlineData(1926, 12, 24, "大正15年12月24日")]
    [InlineData(1926, 12, 25, "昭和元年12月25日")]
    public void FormatDate_switches_era_on_its_first_day(int y, int m, int d, string expected)
    {
        Assert.Equal(expected, JapaneseEra.FormatDate(new DateOnly(y, m, d)));
    }

    [Fact]
    public void FormatDate_before_meiji_throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => JapaneseEra.FormatDate(new DateOnly(1868, 10, 22)));
    }

    [Fact]
    public void ForYear_before_1868_throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => JapaneseEra.ForYear(1867));
    }

    // ---- TryParse ------------------------------------------------------------------------------------

    [Theory]
    [InlineData("2021", 2021)]
    [InlineData("FY2021", 2021)]
    [InlineData("fy2021", 2021)]
    [InlineData("2021年度", 2021)]
    [InlineData("令和3年度", 2021)]
    [InlineData("令和3", 2021)]
    [InlineData("令和元年度", 2019)]
    [InlineData("R3", 2021)]
    [InlineData("R元", 2019)]
    [InlineData("H30", 2018)]
    [InlineData("平成30年度", 2018)]
    [InlineData("平成元年度", 1989)]
    [InlineData("S63", 1988)]
    [InlineData("昭和63年度", 1988)]
    [InlineData("２０２１", 2021)]
    [InlineData("ＦＹ２０２１", 2021)]
    [InlineData("令和３年度", 2021)]
    [InlineData("Ｒ３", 2021)]
    [InlineData("  令和7年度  ", 2025)]
    public void TryParse_accepts(string text, int expectedStartYear)
    {
        Assert.True(FiscalYear.TryParse(text, out var fy));
        Assert.Equal(expectedStartYear, fy.StartYear);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("令和0年度")]
    [InlineData("R0")]
    [InlineData("abc")]
    [InlineData("21")]
    [InlineData("FY21")]
    [InlineData("令和")]
    [InlineData("X3")]
    public void TryParse_rejects(string? text)
    {
        Assert.False(FiscalYear.TryParse(text, out var fy));
        Assert.Equal(default, fy);
    }

    [Fact]
    public void TryParse_roundtrips_EraLabel()
    {
        for (var y = 1990; y <= 2030; y++)
        {
            Assert.True(FiscalYear.TryParse(new FiscalYear(y).EraLabel, out var fy), y.ToString());
            Assert.Equal(y, fy.StartYear);
        }
    }

    // ---- ElapsedFraction -----------------------------------------------------------------------------

    [Fact]
    public void ElapsedFraction_on_first_day_is_one_day_of_365()
    {
        Assert.Equal(1.0 / 365, new FiscalYear(2021).ElapsedFraction(new DateOnly(2021, 4, 1)), 12);
    }

    [Fact]
    public void ElapsedFraction_on_first_day_of_leap_fiscal_year_is_one_day_of_366()
    {
        // FY2023 contains 2024-02-29.
        Assert.Equal(1.0 / 366, new FiscalYear(2023).ElapsedFraction(new DateOnly(2023, 4, 1)), 12);
    }

    [Fact]
    public void ElapsedFraction_on_last_day_is_one()
    {
        Assert.Equal(1.0, new FiscalYear(2021).ElapsedFraction(new DateOnly(2022, 3, 31)));
    }

    [Fact]
    public void ElapsedFraction_before_start_is_zero()
    {
        Assert.Equal(0.0, new FiscalYear(2021).ElapsedFraction(new DateOnly(2021, 3, 31)));
        Assert.Equal(0.0, new FiscalYear(2021).ElapsedFraction(new DateOnly(2000, 1, 1)));
    }

    [Fact]
    public void ElapsedFraction_after_end_is_one()
    {
        Assert.Equal(1.0, new FiscalYear(2021).ElapsedFraction(new DateOnly(2022, 4, 1)));
        Assert.Equal(1.0, new FiscalYear(2021).ElapsedFraction(new DateOnly(2030, 1, 1)));
    }

    [Fact]
    public void ElapsedFraction_mid_year_is_about_half()
    {
        // 2021-04-01 .. 2021-09-30 = 183 days of 365.
        var f = new FiscalYear(2021).ElapsedFraction(new DateOnly(2021, 9, 30));
        Assert.Equal(183.0 / 365, f, 12);
        Assert.InRange(f, 0.49, 0.51);
    }

    [Fact]
    public void ElapsedFraction_second_to_last_day_is_below_one()
    {
        Assert.Equal(364.0 / 365, new FiscalYear(2021).ElapsedFraction(new DateOnly(2022, 3, 30)), 12);
    }

    // ---- Comparison ----------------------------------------------------------------------------------

    [Fact]
    public void Comparison_operators_order_by_start_year()
    {
        var a = new FiscalYear(2021);
        var b = new FiscalYear(2022);
        var a2 = new FiscalYear(2021);

        Assert.True(a < b);
        Assert.False(b < a);
        Assert.False(a < a2);
        Assert.True(b > a);
        Assert.False(a > b);
        Assert.False(a > a2);
        Assert.True(a <= b);
        Assert.True(a <= a2);
        Assert.False(b <= a);
        Assert.True(b >= a);
        Assert.True(a >= a2);
        Assert.False(a >= b);
        Assert.True(a == a2);
        Assert.True(a != b);
    }

    [Fact]
    public void CompareTo_and_sorting()
    {
        Assert.True(new FiscalYear(2021).CompareTo(new FiscalYear(2022)) < 0);
        Assert.True(new FiscalYear(2022).CompareTo(new FiscalYear(2021)) > 0);
        Assert.Equal(0, new FiscalYear(2021).CompareTo(new FiscalYear(2021)));

        var sorted = new[] { new FiscalYear(2025), new FiscalYear(2019), new FiscalYear(2021) }.Order().Select(f => f.StartYear);
        Assert.Equal([2019, 2021, 2025], sorted);
    }
}
