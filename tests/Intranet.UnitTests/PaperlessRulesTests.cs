using Intranet.Modules.Paperless.Domain;

namespace Intranet.UnitTests;

/// <summary>
/// The paperless-meetings rules of issue #4 (<see cref="PaperlessRules"/>): when a session is paperless (WEB
/// meetings always, others only with digital-only materials), the rates (none without sessions, rounded to 0.1
/// away from zero), the baseline valid on a date, sheets saved (never negative, nothing without a baseline), and
/// how category, format and materials are read from import files (code names and Japanese labels).
/// </summary>
public class PaperlessRulesTests
{
    private sealed record S(MeetingFormat Format, MaterialsDistribution Materials, bool Tablets = false);

    private static bool Paperless(S s) => PaperlessRules.IsPaperless(s.Format, s.Materials);

    // ---- paperless or not ----------------------------------------------------------------------------

    /// <summary>The table, written out: WEB counts whatever was printed; otherwise only 電子のみ.</summary>
    [Theory]
    [InlineData(MeetingFormat.Web, MaterialsDistribution.Paper, true)]          // WEB会議含む: printed handouts do not matter
    [InlineData(MeetingFormat.Web, MaterialsDistribution.Mixed, true)]
    [InlineData(MeetingFormat.Web, MaterialsDistribution.DigitalOnly, true)]
    [InlineData(MeetingFormat.InPerson, MaterialsDistribution.DigitalOnly, true)]
    [InlineData(MeetingFormat.Hybrid, MaterialsDistribution.DigitalOnly, true)]
    [InlineData(MeetingFormat.InPerson, MaterialsDistribution.Paper, false)]
    [InlineData(MeetingFormat.InPerson, MaterialsDistribution.Mixed, false)]    // some paper handed out
    [InlineData(MeetingFormat.Hybrid, MaterialsDistribution.Paper, false)]
    [InlineData(MeetingFormat.Hybrid, MaterialsDistribution.Mixed, false)]      // a hybrid meeting counts by its materials
    public void A_session_is_paperless_when_held_on_the_web_or_without_paper(MeetingFormat format, MaterialsDistribution materials, bool paperless) =>
        Assert.Equal(paperless, PaperlessRules.IsPaperless(format, materials));

    // ---- rates ---------------------------------------------------------------------------------------

    [Fact]
    public void No_sessions_means_no_rate_not_zero_or_a_hundred()
    {
        Assert.Null(PaperlessRules.Rate(Array.Empty<S>(), Paperless));
        Assert.Null(PaperlessRules.Rate(Array.Empty<S>(), _ => true));
        Assert.Null(PaperlessRules.Rate(Array.Empty<S>(), s => s.Tablets));
    }

    [Fact]
    public void A_web_meeting_with_printed_handouts_counts_as_paperless_in_the_rate()
    {
        S[] month =
        [
            new(MeetingFormat.Web, MaterialsDistribution.Paper),           // 480 sheets printed, still paperless (WEB会議含む)
            new(MeetingFormat.InPerson, MaterialsDistribution.Paper),
        ];
        Assert.Equal(50.0m, PaperlessRules.Rate(month, Paperless));
    }

    [Fact]
    public void Hybrid_or_in_person_meetings_with_mixed_materials_lower_the_rate()
    {
        S[] month =
        [
            new(MeetingFormat.Hybrid, MaterialsDistribution.Mixed),
            new(MeetingFormat.InPerson, MaterialsDistribution.Mixed),
            new(MeetingFormat.InPerson, MaterialsDistribution.DigitalOnly),
            new(MeetingFormat.Hybrid, MaterialsDistribution.DigitalOnly),
        ];
        Assert.Equal(50.0m, PaperlessRules.Rate(month, Paperless));
        Assert.Equal(0.0m, PaperlessRules.Rate(month[..2], Paperless));          // sessions held, none paperless: 0, not null
        Assert.Equal(100.0m, PaperlessRules.Rate(month[2..], Paperless));        // digital-only sessions
    }

    [Theory]
    [InlineData(1, 3, "33.3")]
    [InlineData(2, 3, "66.7")]
    [InlineData(1, 6, "16.7")]
    [InlineData(1, 16, "6.3")]      // 6.25: half away from zero (banker's rounding would give 6.2)
    [InlineData(1, 80, "1.3")]      // 1.25
    [InlineData(7, 8, "87.5")]
    [InlineData(31, 40, "77.5")]    // the sample 庁議 of FY2021
    [InlineData(9, 16, "56.3")]     // 56.25: the sample assembly tablet rate of FY2021
    [InlineData(0, 7, "0")]
    [InlineData(7, 7, "100")]
    public void Rates_are_percent_rounded_to_one_decimal_away_from_zero(int matching, int total, string expected)
    {
        var sessions = Enumerable.Range(0, total).Select(i => new S(MeetingFormat.InPerson, i < matching ? MaterialsDistribution.DigitalOnly : MaterialsDistribution.Paper)).ToList();
        var rate = PaperlessRules.Rate(sessions, Paperless);
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), rate);
    }

    [Fact]
    public void Tablet_usage_rate_counts_sessions_run_with_tablets_whatever_the_materials()
    {
        S[] assembly =
        [
            new(MeetingFormat.InPerson, MaterialsDistribution.Paper, Tablets: true),
            new(MeetingFormat.InPerson, MaterialsDistribution.DigitalOnly, Tablets: true),
            new(MeetingFormat.InPerson, MaterialsDistribution.DigitalOnly, Tablets: false),
        ];
        Assert.Equal(66.7m, PaperlessRules.Rate(assembly, s => s.Tablets));
        Assert.Equal(66.7m, PaperlessRules.Rate(assembly, Paperless));           // tablets are not the paperless rule
        Assert.Equal(0m, PaperlessRules.Rate(assembly[2..], s => s.Tablets));
    }

    // ---- baselines and sheets saved ------------------------------------------------------------------

    private static readonly Guid Body = Guid.NewGuid();

    private static PaperBaseline Baseline(int y, int m, int d, decimal sheets) =>
        new() { BodyId = Body, ValidFrom = new DateOnly(y, m, d), SheetsPerAttendee = sheets };

    [Fact]
    public void The_baseline_of_a_date_is_the_latest_valid_on_that_date_whatever_the_order()
    {
        var april = Baseline(2021, 4, 1, 40);
        var october = Baseline(2022, 10, 1, 20);
        var later = Baseline(2024, 4, 1, 10);
        PaperBaseline[] baselines = [later, april, october];   // unordered on purpose

        Assert.Null(PaperlessRules.BaselineOn(baselines, new DateOnly(2021, 3, 31)));
        Assert.Same(april, PaperlessRules.BaselineOn(baselines, new DateOnly(2021, 4, 1)));
        Assert.Same(april, PaperlessRules.BaselineOn(baselines, new DateOnly(2022, 9, 30)));
        Assert.Same(october, PaperlessRules.BaselineOn(baselines, new DateOnly(2022, 10, 1)));   // valid from its first day
        Assert.Same(october, PaperlessRules.BaselineOn(baselines, new DateOnly(2024, 3, 31)));
        Assert.Same(later, PaperlessRules.BaselineOn(baselines, new DateOnly(2030, 1, 1)));
        Assert.Null(PaperlessRules.BaselineOn([], new DateOnly(2022, 10, 1)));
    }

    /// <summary>
    /// Issue #12: the SQL aggregates evaluate <see cref="PaperlessRules.SheetsPerAttendeeRule"/> and <see cref="PaperlessRules.SheetsSavedRule"/>;
    /// compiled, they give what the baseline of the date gives, whatever the order of the baselines.
    /// </summary>
    [Fact]
    public void The_expression_rules_give_the_baseline_of_the_date_and_the_sheets_saved_with_it()
    {
        PaperBaseline[] baselines = [Baseline(2024, 4, 1, 10), Baseline(2021, 4, 1, 40), Baseline(2022, 10, 1, 2.5m)];
        for (var date = new DateOnly(2021, 3, 30); date < new DateOnly(2024, 4, 3); date = date.AddDays(1))
        {
            var baseline = PaperlessRules.BaselineOn(baselines, date);
            Assert.Equal(baseline?.SheetsPerAttendee, PaperlessRules.SheetsPerAttendeeOn(baselines, date));
            foreach (var (attendees, printed) in new[] { (12, 0), (12, 100), (3, 8), (0, 0), (20, 5000) })
                Assert.Equal(PaperlessRules.SheetsSaved(baseline, attendees, printed), PaperlessRules.SheetsSaved(baselines, date, attendees, printed));
        }
        Assert.Null(PaperlessRules.SheetsPerAttendeeOn([], new DateOnly(2022, 10, 1)));
    }

    [Fact]
    public void A_baseline_changed_mid_year_applies_to_the_sessions_after_the_change_only()
    {
        // 政策会議: 40 枚/人 until 2022-09-30, 25 枚/人 from 2022-10-01 (FY2022 = 2022-04-01 … 2023-03-31).
        PaperBaseline[] baselines = [Baseline(2021, 4, 1, 40), Baseline(2022, 10, 1, 25)];
        (DateOnly HeldOn, int Attendees, int Printed)[] fy2022 =
        [
            (new DateOnly(2022, 4, 8), 12, 0),       // 40 × 12       = 480
            (new DateOnly(2022, 9, 30), 12, 100),    // 40 × 12 − 100 = 380
            (new DateOnly(2022, 10, 1), 12, 0),      // 25 × 12       = 300
            (new DateOnly(2023, 3, 22), 10, 50),     // 25 × 10 − 50  = 200
        ];
        var each = fy2022.Select(s => PaperlessRules.SheetsSaved(PaperlessRules.BaselineOn(baselines, s.HeldOn), s.Attendees, s.Printed)).ToList();
        Assert.Equal([480m, 380m, 300m, 200m], each);
        Assert.Equal(1360m, each.Sum());
    }

    [Theory]
    [InlineData("40", 12, 0, "480")]
    [InlineData("40", 12, 100, "380")]
    [InlineData("40", 12, 480, "0")]        // everything printed: nothing saved
    [InlineData("40", 12, 600, "0")]        // printed more than the baseline: never negative
    [InlineData("40", 0, 0, "0")]
    [InlineData("2.5", 3, 0, "7.5")]        // baselines may be fractional (枚/人/回 on average)
    [InlineData("0", 20, 0, "0")]
    public void Sheets_saved_are_baseline_times_attendees_minus_printed_never_negative(string perAttendee, int attendees, int printed, string expected)
    {
        var baseline = Baseline(2021, 4, 1, decimal.Parse(perAttendee, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), PaperlessRules.SheetsSaved(baseline, attendees, printed));
    }

    [Fact]
    public void Without_a_baseline_nothing_is_saved()
    {
        Assert.Equal(0m, PaperlessRules.SheetsSaved(null, 12, 0));
        Assert.Equal(0m, PaperlessRules.SheetsSaved(null, 12, 480));
        // A session before the first baseline has none.
        Assert.Equal(0m, PaperlessRules.SheetsSaved(PaperlessRules.BaselineOn([Baseline(2022, 4, 1, 40)], new DateOnly(2022, 3, 31)), 12, 0));
    }

    // ---- reading categories, formats and materials ----------------------------------------------------

    [Theory]
    [InlineData("庁議", MeetingCategory.Executive)]
    [InlineData("Executive", MeetingCategory.Executive)]
    [InlineData("executive", MeetingCategory.Executive)]
    [InlineData(" 庁議 ", MeetingCategory.Executive)]
    [InlineData("課長級以上出席の会議", MeetingCategory.ManagerLevel)]
    [InlineData("ManagerLevel", MeetingCategory.ManagerLevel)]
    [InlineData("その他庁内会議", MeetingCategory.OtherInternal)]
    [InlineData("OtherInternal", MeetingCategory.OtherInternal)]
    [InlineData("議会内会議", MeetingCategory.Assembly)]
    [InlineData("assembly", MeetingCategory.Assembly)]
    public void Categories_are_read_from_code_names_and_japanese_labels(string text, MeetingCategory expected) =>
        Assert.Equal(expected, PaperlessRules.ParseCategory(text));

    /// <summary>
    /// ParseCategory's doc comment promises 「庁議除く」 variants; the Hadano indicator 2-2-(1)-2 writes the category
    /// as 「課長級以上出席の会議(庁議除く)」, which a plan office would copy into a bodies file.
    /// </summary>
    [Theory]
    [InlineData("課長級以上出席の会議(庁議除く)")]
    [InlineData("課長級以上出席の会議（庁議除く）")]
    public void The_manager_level_category_is_read_with_its_documented_excluding_executive_variant(string text) =>
        Assert.Equal(MeetingCategory.ManagerLevel, PaperlessRules.ParseCategory(text));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("審議会")]
    [InlineData("庁議会")]
    [InlineData("4")]
    public void Unknown_categories_are_null(string? text) => Assert.Null(PaperlessRules.ParseCategory(text));

    [Theory]
    [InlineData("対面", MeetingFormat.InPerson)]
    [InlineData("InPerson", MeetingFormat.InPerson)]
    [InlineData("WEB", MeetingFormat.Web)]
    [InlineData("Web", MeetingFormat.Web)]
    [InlineData("web", MeetingFormat.Web)]
    [InlineData("オンライン", MeetingFormat.Web)]
    [InlineData("WEB会議", MeetingFormat.Web)]
    [InlineData("Web会議", MeetingFormat.Web)]
    [InlineData(" WEB ", MeetingFormat.Web)]
    [InlineData("ハイブリッド", MeetingFormat.Hybrid)]
    [InlineData("hybrid", MeetingFormat.Hybrid)]
    public void Formats_are_read_from_code_names_and_japanese_labels(string text, MeetingFormat expected) =>
        Assert.Equal(expected, PaperlessRules.ParseFormat(text));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("電話")]
    [InlineData("書面")]
    [InlineData("2")]
    public void Unknown_formats_are_null(string? text) => Assert.Null(PaperlessRules.ParseFormat(text));

    [Theory]
    [InlineData("紙", MaterialsDistribution.Paper)]
    [InlineData("Paper", MaterialsDistribution.Paper)]
    [InlineData("電子のみ", MaterialsDistribution.DigitalOnly)]
    [InlineData("電子", MaterialsDistribution.DigitalOnly)]
    [InlineData("ペーパーレス", MaterialsDistribution.DigitalOnly)]
    [InlineData("DigitalOnly", MaterialsDistribution.DigitalOnly)]
    [InlineData(" 電子のみ ", MaterialsDistribution.DigitalOnly)]
    [InlineData("併用", MaterialsDistribution.Mixed)]
    [InlineData("紙と電子の併用", MaterialsDistribution.Mixed)]
    [InlineData("mixed", MaterialsDistribution.Mixed)]
    public void Materials_are_read_from_code_names_and_japanese_labels(string text, MaterialsDistribution expected) =>
        Assert.Equal(expected, PaperlessRules.ParseMaterials(text));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("メール")]
    [InlineData("紙のみ")]
    public void Unknown_materials_are_null(string? text) => Assert.Null(PaperlessRules.ParseMaterials(text));

    [Fact]
    public void Every_label_reads_back_as_its_value()
    {
        Assert.Equal(["庁議", "課長級以上出席の会議", "その他庁内会議", "議会内会議"], Enum.GetValues<MeetingCategory>().Select(PaperlessRules.Label));
        Assert.Equal(["対面", "WEB", "ハイブリッド"], Enum.GetValues<MeetingFormat>().Select(PaperlessRules.Label));
        Assert.Equal(["紙", "電子のみ", "紙と電子の併用"], Enum.GetValues<MaterialsDistribution>().Select(PaperlessRules.Label));
        foreach (var c in Enum.GetValues<MeetingCategory>()) Assert.Equal(c, PaperlessRules.ParseCategory(PaperlessRules.Label(c)));
        foreach (var f in Enum.GetValues<MeetingFormat>()) Assert.Equal(f, PaperlessRules.ParseFormat(PaperlessRules.Label(f)));
        foreach (var m in Enum.GetValues<MaterialsDistribution>()) Assert.Equal(m, PaperlessRules.ParseMaterials(PaperlessRules.Label(m)));
    }

    // ---- 2-2-(2)-1 紙の削減量 against FY2019 (issue #9) -------------------------------------------------

    [Fact]
    public void The_baseline_year_of_the_paper_reduction_is_FY2019() => Assert.Equal(2019, PaperlessRules.PaperUseBaselineYear);

    [Theory]
    [InlineData(9_850_000L, 9_380_000L, 470_000L)]     // less paper: the reduction
    [InlineData(9_850_000L, 9_850_000L, 0L)]           // the same: nothing reduced (a measured 0)
    [InlineData(9_850_000L, 9_900_000L, 0L)]           // more paper: nothing reduced, never negative
    [InlineData(0L, 0L, 0L)]
    public void The_reduction_is_the_baseline_use_minus_the_years_use_never_negative(long baseline, long year, long expected) =>
        Assert.Equal(expected, PaperlessRules.PaperReduction(baseline, year));

    [Fact]
    public void Without_the_baseline_or_the_years_use_the_reduction_is_not_measured()
    {
        Assert.Null(PaperlessRules.PaperReduction(null, 9_000_000));
        Assert.Null(PaperlessRules.PaperReduction(9_000_000, null));
        Assert.Null(PaperlessRules.PaperReduction(null, null));
        Assert.Equal(50_000, PaperlessRules.PaperUseChange(9_850_000, 9_900_000));   // the signed change shows an increase
        Assert.Null(PaperlessRules.PaperUseChange(null, 9_900_000));
    }

    private static readonly DateOnly Today = new(2026, 11, 21);   // FY2026 runs; FY2025 ended on 2026-03-31

    [Theory]
    [InlineData(2019, 9_850_000L)]
    [InlineData(2025, 0L)]                 // an ended year, nothing used: fine
    [InlineData(2000, 1_000_000_000L)]     // the bounds
    public void A_years_paper_use_that_passes_the_check(int year, long sheets) =>
        Assert.Empty(PaperlessRules.CheckPaperUse(year, sheets, "用紙購入実績", Today));

    [Theory]
    [InlineData(2026, 100L, "FiscalYear", "年度の途中")]           // the current fiscal year has not ended
    [InlineData(2027, 100L, "FiscalYear", "年度の途中")]
    [InlineData(1999, 100L, "FiscalYear", "2000年度から")]
    [InlineData(2024, -1L, "SheetsUsed", "0以上")]
    [InlineData(2024, 1_000_000_001L, "SheetsUsed", "1,000,000,000以下")]
    public void A_bad_years_paper_use_names_the_field_in_japanese(int year, long sheets, string field, string words)
    {
        var error = Assert.Single(PaperlessRules.CheckPaperUse(year, sheets, null, Today));
        Assert.Equal(field, error.Field);
        Assert.Contains(words, error.Message);
    }

    [Fact]
    public void Every_error_of_a_paper_use_is_reported_at_once()
    {
        var errors = PaperlessRules.CheckPaperUse(2026, -5, new string('あ', 201), Today);
        Assert.Equal(["FiscalYear", "SheetsUsed", "SourceNote"], errors.Select(e => e.Field));
        Assert.Contains("出典は200文字以内", errors[2].Message);
        Assert.Empty(PaperlessRules.CheckPaperUse(2025, 5, new string('あ', 200), Today));
    }

    [Fact]
    public void The_last_day_of_a_fiscal_year_is_still_inside_it()
    {
        Assert.Single(PaperlessRules.CheckPaperUse(2025, 5, null, new DateOnly(2026, 3, 31)));   // FY2025's last day: not ended
        Assert.Empty(PaperlessRules.CheckPaperUse(2025, 5, null, new DateOnly(2026, 4, 1)));
    }
}
