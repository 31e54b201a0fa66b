using Intranet.Shared.Persistence;
using Npgsql;

namespace Intranet.UnitTests;

/// <summary>
/// <see cref="IntranetDatabase.PostgreSqlConnectionString"/>: the pool settings of issue #12 are defaulted, and a setting
/// the operator wrote (either spelling) is kept as written.
/// </summary>
public sealed class PostgreSqlConnectionStringTests
{
    [Fact]
    public void Defaults_no_reset_and_auto_prepare_and_keeps_the_rest()
    {
        var b = new NpgsqlConnectionStringBuilder(IntranetDatabase.PostgreSqlConnectionString(
            "Host=db.example.jp;Port=5433;Username=intranet;Password=p;Database=intranet;Maximum Pool Size=40"));
        Assert.True(b.NoResetOnClose);
        Assert.Equal(20, b.MaxAutoPrepare);
        Assert.Equal(("db.example.jp", 5433, "intranet", "p", 40), (b.Host, b.Port, b.Database, b.Password, b.MaxPoolSize));
    }

    [Theory]
    [InlineData("Host=h;No Reset On Close=false;Max Auto Prepare=0")]
    [InlineData("Host=h;NoResetOnClose=false;MaxAutoPrepare=0")]
    [InlineData("Host=h;no reset on close=False;max auto prepare=0")]
    public void A_setting_written_by_the_operator_is_kept(string given)
    {
        var b = new NpgsqlConnectionStringBuilder(IntranetDatabase.PostgreSqlConnectionString(given));
        Assert.False(b.NoResetOnClose);
        Assert.Equal(0, b.MaxAutoPrepare);
    }

    [Fact]
    public void Keyed_reads_multiplex_on_top_of_the_contexts_settings()
    {
        var b = new NpgsqlConnectionStringBuilder(IntranetDatabase.PostgreSqlKeyedReadConnectionString("Host=h;Database=d;Maximum Pool Size=40"));
        Assert.True(b.Multiplexing);
        Assert.True(b.NoResetOnClose);
        Assert.Equal(20, b.MaxAutoPrepare);
        Assert.Equal(("h", "d", 40), (b.Host, b.Database, b.MaxPoolSize));
        Assert.False(new NpgsqlConnectionStringBuilder(IntranetDatabase.PostgreSqlConnectionString("Host=h")).Multiplexing);
    }

    [Theory]
    [InlineData("Host=h;Multiplexing=false")]
    [InlineData("Host=h;multiplexing=False")]
    public void Keyed_reads_keep_multiplexing_as_the_operator_wrote_it(string given) =>
        Assert.False(new NpgsqlConnectionStringBuilder(IntranetDatabase.PostgreSqlKeyedReadConnectionString(given)).Multiplexing);

    [Fact]
    public void A_malformed_string_is_refused_with_the_setting_named()
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => IntranetDatabase.PostgreSqlConnectionString("Host=h;No Such Setting=1"));
        Assert.Contains("no such setting", e.Message, StringComparison.OrdinalIgnoreCase);
    }
}
