using Intranet.Shared.Web;

namespace Intranet.ComponentTests;

/// <summary>The one formatter: percent with one decimal, thousands separators, units, 令和 years.</summary>
public sealed class FmtTests
{
    [Theory]
    [InlineData(92.45, "92.5%")]
    [InlineData(100, "100.0%")]
    [InlineData(0, "0.0%")]
    [InlineData(1234.56, "1,234.6%")]
    public void Percent_has_one_decimal(double value, string expected) => Assert.Equal(expected, Fmt.Percent((decimal)value));

    [Fact]
    public void Numbers_and_units()
    {
        Assert.Equal("7,350時間", Fmt.WithUnit(7350m, "時間"));
        Assert.Equal("70.0%", Fmt.WithUnit(70m, "%"));
        Assert.Equal("1,102", Fmt.Count(1102));
        Assert.Equal("—", Fmt.WithUnit(null, "人"));
        Assert.Equal("令和5年度", Fmt.Year(2023));
        Assert.Equal("令和元年度(2019)", Fmt.YearLong(2019));
    }
}
