using Intranet.Modules.Telework.Import;

namespace Intranet.UnitTests;

/// <summary>
/// <see cref="DaySet"/>, the telework-day import's record of the days a person has in the file (issue #12), against a
/// <see cref="HashSet{T}"/> of the same days.
/// </summary>
public sealed class DaySetTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Answers_as_a_hash_set_for_days_added_in_any_order_and_repeated(int seed)
    {
        var random = new Random(seed);
        var start = new DateOnly(2021, 4, 1).DayNumber;
        var (set, expected) = (new DaySet(), new HashSet<int>());
        // Five fiscal years of days, in random order, each about twice: the set grows down and up many times.
        for (var i = 0; i < 4_000; i++)
        {
            var day = start + random.Next(-200, 1_826);
            Assert.Equal(expected.Add(day), set.Add(day));
        }
        Assert.Equal(expected.Count, set.Count);
        for (var day = start - 300; day < start + 2_000; day++) Assert.Equal(expected.Contains(day), set.Contains(day));
    }

    [Fact]
    public void Keeps_days_far_apart_and_at_block_edges()
    {
        var set = new DaySet();
        int[] days = [100_000, 99_999, 100_063, 100_064, 10_000, 740_000, 64, 63, 0];
        foreach (var day in days) Assert.True(set.Add(day));
        foreach (var day in days) Assert.False(set.Add(day));
        Assert.Equal(days.Length, set.Count);
        Assert.False(set.Contains(100_001));
        Assert.False(set.Contains(-1));
        Assert.False(new DaySet().Contains(5));
    }
}
