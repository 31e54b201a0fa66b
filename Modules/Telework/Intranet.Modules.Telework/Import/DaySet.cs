namespace Intranet.Modules.Telework.Import;

/// <summary>
/// The days one person has in an import file, as one bit per day from the earliest 64-day block seen to the latest (about
/// 6 bytes a month of dates covered: 230 bytes for five fiscal years). The telework-day import's first pass notes every row's
/// day here and learns whether the day came before in the file, without a hash entry per row (issue #12: at 2,000,000 rows
/// the per-row table of the earlier design alone held about 100 MB and put the import over its 500 MB goal).
/// </summary>
internal sealed class DaySet
{
    private int _first;          // DayNumber of bit 0 of _bits[0]; a multiple of 64 below the first day added
    private ulong[] _bits = [];

    /// <summary>Days added so far (distinct).</summary>
    public int Count { get; private set; }

    /// <summary>Adds <paramref name="day"/>; false when it was in the set already. The set grows in either direction.</summary>
    /// <param name="day">A <see cref="DateOnly.DayNumber"/>.</param>
    public bool Add(int day)
    {
        if (_bits.Length == 0)
        {
            _first = day & ~63;
            _bits = new ulong[1];
        }
        else if (day < _first || day - _first >= _bits.Length * 64)
        {
            Grow(day);
        }
        var offset = day - _first;
        var mask = 1UL << (offset & 63);
        ref var word = ref _bits[offset >> 6];
        if ((word & mask) != 0) return false;
        word |= mask;
        Count++;
        return true;
    }

    /// <summary>Whether <paramref name="day"/> was added.</summary>
    public bool Contains(int day)
    {
        var offset = day - _first;
        return _bits.Length > 0 && offset >= 0 && offset < _bits.Length * 64 && (_bits[offset >> 6] & (1UL << (offset & 63))) != 0;
    }

    // At least doubles, so a person's days added in any order cost amortised constant time.
    private void Grow(int day)
    {
        var block = day & ~63;
        var (low, high) = (Math.Min(block, _first), Math.Max(block + 64, _first + _bits.Length * 64));
        var words = Math.Max((high - low) / 64, _bits.Length * 2);
        // Room goes on the side that was outgrown: below for an earlier day, above for a later one.
        var first = block < _first ? high - words * 64 : low;
        var bits = new ulong[words];
        Array.Copy(_bits, 0, bits, (_first - first) / 64, _bits.Length);
        (_first, _bits) = (first, bits);
    }
}
