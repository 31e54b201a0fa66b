using Intranet.Modules.PlanKpi.Import;

namespace Intranet.UnitTests;

/// <summary>The plan files shipped in the module (PlanFiles/*.json, embedded resources).</summary>
public class BundledPlanFileTests
{
    private const string HadanoResource = "PlanFiles.hadano-ict-2021.json";
    private const string ChigasakiResource = "PlanFiles.chigasaki-chiiki-2016.json";
    private const string SagamiharaResource = "PlanFiles.sagamihara-ict-2024.json";

    private static readonly Lazy<PlanFile> HadanoFile = new(() => Load(HadanoResource));
    private static readonly Lazy<PlanFile> ChigasakiFile = new(() => Load(ChigasakiResource));
    private static readonly Lazy<PlanFile> SagamiharaFile = new(() => Load(SagamiharaResource));

    private static PlanFile Hadano => HadanoFile.Value;
    private static PlanFile Chigasaki => ChigasakiFile.Value;
    private static PlanFile Sagamihara => SagamiharaFile.Value;

    private static PlanFile Load(string resource)
    {
        using var stream = BundledPlans.Open(resource);
        return PlanFileValidator.Parse(stream, resource);
    }

    private static IEnumerable<PlanFileMeasure> Measures(PlanFile f) => f.Policies.SelectMany(p => p.Measures);
    private static IEnumerable<PlanFileProject> Placements(PlanFile f) => Measures(f).SelectMany(m => m.Projects);
    private static IEnumerable<PlanFileProject> Definitions(PlanFile f) => Placements(f).Where(p => p.CrossListingOf is null);

    private static IEnumerable<PlanFileIndicator> Indicators(PlanFile f) =>
        Measures(f).SelectMany(m => m.Indicators).Concat(Definitions(f).SelectMany(p => p.Indicators));

    private static PlanFileIndicator HadanoIndicator(string code) => Assert.Single(Indicators(Hadano), i => i.Code == code);

    private static void AssertTargets(PlanFileIndicator indicator, params (int Year, decimal Value)[] expected)
    {
        Assert.Equal(expected.Select(e => e.Year), indicator.Targets.Select(t => t.FiscalYear));
        Assert.Equal(expected.Select(e => (decimal?)e.Value), indicator.Targets.Select(t => t.Value));
    }

    // ---- resources -------------------------------------------------------------------------------

    [Fact]
    public void The_three_files_are_embedded_Hadano_first()
    {
        Assert.Equal([HadanoResource, ChigasakiResource, SagamiharaResource], BundledPlans.ResourceNames);
    }

    [Fact]
    public void Open_unknown_resource_throws()
    {
        Assert.Throws<InvalidOperationException>(() => BundledPlans.Open("PlanFiles.nope.json"));
    }

    [Theory]
    [InlineData(HadanoResource)]
    [InlineData(ChigasakiResource)]
    [InlineData(SagamiharaResource)]
    public void Bundled_file_parses_and_validates_without_errors(string resource)
    {
        using var stream = BundledPlans.Open(resource);
        var file = PlanFileValidator.Parse(stream, resource);   // throws PlanFileException on any error
        Assert.Empty(PlanFileValidator.Validate(file));
        Assert.Equal(PlanFile.CurrentFormatVersion, file.FormatVersion);
    }

    // ---- Hadano: header ----------------------------------------------------------------------------

    [Fact]
    public void Hadano_header()
    {
        Assert.Equal("hadano-ict-2021", Hadano.Code);
        Assert.Equal("はだのICT活用推進計画", Hadano.Title);
        Assert.Equal("秦野市", Hadano.Municipality);
        Assert.Equal(2021, Hadano.Period!.FirstFiscalYear);
        Assert.Equal(2025, Hadano.Period.LastFiscalYear);
        Assert.Equal("基本方針", Hadano.LevelNames!.Policy);
        Assert.Equal("事業推進計画", Hadano.LevelNames.Measure);
        Assert.Equal("個別事業", Hadano.LevelNames.Project);
    }

    // ---- Hadano: counts ----------------------------------------------------------------------------

    [Fact]
    public void Hadano_has_3_policies()
    {
        Assert.Equal(["1", "2", "3"], Hadano.Policies.Select(p => p.Code));
    }

    [Fact]
    public void Hadano_has_10_measures()
    {
        Assert.Equal(10, Measures(Hadano).Count());
        Assert.Equal(10, Measures(Hadano).Select(m => m.Code).Distinct().Count());
    }

    [Fact]
    public void Hadano_has_38_project_definitions()
    {
        Assert.Equal(38, Definitions(Hadano).Count());
        Assert.Equal(41, Placements(Hadano).Count());
    }

    [Fact]
    public void Hadano_has_exactly_the_3_cross_listings()
    {
        var cross = Placements(Hadano).Where(p => p.CrossListingOf is not null)
            .Select(p => (p.Code, p.CrossListingOf)).OrderBy(x => x.Code, StringComparer.Ordinal).ToList();
        Assert.Equal(
            [("2-3-(2)", "2-2-(2)"), ("2-4-(2)", "2-3-(3)"), ("3-2-(1)", "2-4-(3)")],
            cross);
    }

    [Fact]
    public void Hadano_cross_listings_carry_no_details()
    {
        Assert.All(Placements(Hadano).Where(p => p.CrossListingOf is not null), p =>
        {
            Assert.Null(p.Name);
            Assert.Null(p.Summary);
            Assert.Empty(p.Indicators);
            Assert.Empty(p.LeadDepartments);
            Assert.Empty(p.AnnualActivities);
        });
    }

    [Fact]
    public void Hadano_has_33_indicators()
    {
        Assert.Equal(33, Indicators(Hadano).Count());
    }

    [Fact]
    public void Hadano_indicator_codes_are_project_code_and_position()
    {
        Assert.All(Definitions(Hadano), p =>
        {
            for (var i = 0; i < p.Indicators.Count; i++)
                Assert.Equal($"{p.Code}-{i + 1}", p.Indicators[i].Code);
        });
    }

    // ---- Hadano: anchors -------------------------------------------------------------------------------

    [Fact]
    public void Hadano_2_1_1_rpa_process_count()
    {
        var i = HadanoIndicator("2-1-(1)-1");
        Assert.Equal("適用業務数(累積)", i.Name);
        Assert.Equal("業務", i.Unit);
        Assert.True(i.Cumulative);
        Assert.Equal("higher", i.Direction);
        Assert.Equal("rpa.automated-process-count", i.MetricKey);
        AssertTargets(i, (2021, 4), (2022, 6), (2023, 12), (2024, 13), (2025, 14));
    }

    [Fact]
    public void Hadano_2_1_1_rpa_hours_saved()
    {
        var i = HadanoIndicator("2-1-(1)-2");
        Assert.Equal("時間", i.Unit);
        Assert.True(i.Cumulative);
        Assert.Equal("rpa.hours-saved", i.MetricKey);
        AssertTargets(i, (2021, 600), (2022, 1500), (2023, 3300), (2024, 5250), (2025, 7350));
        Assert.Equal("1,500時間", i.Targets[1].Text);
    }

    [Fact]
    public void Hadano_2_2_1_executive_meeting_paperless_rate()
    {
        var i = HadanoIndicator("2-2-(1)-1");
        Assert.Equal("%", i.Unit);
        Assert.False(i.Cumulative);
        Assert.NotNull(i.MetricKey);
        AssertTargets(i, (2021, 90), (2022, 100), (2023, 100), (2024, 100), (2025, 100));
    }

    [Fact]
    public void Hadano_2_2_7_assembly_tablet_and_paperless()
    {
        var project = Assert.Single(Definitions(Hadano), p => p.Code == "2-2-(7)");
        Assert.Equal(2, project.Indicators.Count);

        var tablet = project.Indicators[0];
        Assert.Contains("タブレット", tablet.Name);
        Assert.Equal("%", tablet.Unit);
        AssertTargets(tablet, (2021, 70), (2022, 70), (2023, 80), (2024, 80), (2025, 80));

        var paperless = project.Indicators[1];
        Assert.Contains("ペーパーレス", paperless.Name);
        Assert.Equal("%", paperless.Unit);
        AssertTargets(paperless, (2021, 80), (2022, 90), (2023, 100), (2024, 100), (2025, 100));

        Assert.All(project.Indicators, i => Assert.NotNull(i.MetricKey));
    }

    [Fact]
    public void Hadano_2_3_1_telework_only_2025()
    {
        var i = HadanoIndicator("2-3-(1)-1");
        Assert.Equal("telework.participation-rate", i.MetricKey);
        Assert.Equal("%", i.Unit);
        AssertTargets(i, (2025, 25));
    }

    [Fact]
    public void Hadano_bound_indicators_are_in_the_projects_README_names()
    {
        // README: "The Hadano file binds 2-1-(1) (RPA), 2-2-(1), 2-2-(2), 2-2-(7) and 2-3-(1)."
        var boundProjects = Definitions(Hadano)
            .Where(p => p.Indicators.Any(i => i.MetricKey is not null))
            .Select(p => p.Code).Order(StringComparer.Ordinal);
        Assert.Equal(["2-1-(1)", "2-2-(1)", "2-2-(2)", "2-2-(7)", "2-3-(1)"], boundProjects);
    }

    [Fact]
    public void Hadano_metric_keys_are_unique()
    {
        var keys = Indicators(Hadano).Select(i => i.MetricKey).OfType<string>().ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
    }

    [Fact]
    public void Hadano_incident_indicator_is_lower_atMost()
    {
        var i = HadanoIndicator("2-5-(3)-3");
        Assert.Equal("lower", i.Direction);
        Assert.Equal("atMost", i.Comparator);
        AssertTargets(i, (2021, 5), (2022, 4), (2023, 3), (2024, 2));
    }

    // ---- prose guard --------------------------------------------------------------------------------

    [Theory]
    [InlineData(HadanoResource)]
    [InlineData(ChigasakiResource)]
    [InlineData(SagamiharaResource)]
    public void Summaries_aims_and_rationales_are_one_line_of_at_most_80_characters(string resource)
    {
        var f = Load(resource);
        var texts = Definitions(f).SelectMany(p => new[] { ($"{p.Code}.summary", p.Summary), ($"{p.Code}.aim", p.Aim) })
            .Concat(Indicators(f).Select(i => ($"{i.Code}.rationale", i.Rationale)))
            .Where(t => t.Item2 is not null)
            .ToList();
        Assert.NotEmpty(texts);
        Assert.All(texts, t =>
        {
            Assert.True(t.Item2!.Length <= 80, $"{t.Item1} has {t.Item2.Length} characters");
            Assert.DoesNotContain('\n', t.Item2);
        });
    }

    [Fact]
    public void Every_Hadano_project_has_a_summary()
    {
        Assert.All(Definitions(Hadano), p => Assert.False(string.IsNullOrWhiteSpace(p.Summary), p.Code));
    }

    // ---- Chigasaki ----------------------------------------------------------------------------------

    [Fact]
    public void Chigasaki_header_and_level_names()
    {
        Assert.Equal("chigasaki-chiiki-2016", Chigasaki.Code);
        Assert.Equal("茅ヶ崎市", Chigasaki.Municipality);
        Assert.Equal("施策展開の柱", Chigasaki.LevelNames!.Policy);
        Assert.Equal("施策", Chigasaki.LevelNames.Measure);
        Assert.Equal("事務事業", Chigasaki.LevelNames.Project);
    }

    [Fact]
    public void Chigasaki_counts()
    {
        Assert.Equal(3, Chigasaki.Policies.Count);
        Assert.Equal(5, Measures(Chigasaki).Count());
        Assert.Equal(44, Definitions(Chigasaki).Count());
    }

    [Fact]
    public void Chigasaki_project_codes_are_unique()
    {
        var codes = Definitions(Chigasaki).Select(p => p.Code).ToList();
        Assert.Equal(44, codes.Distinct().Count());
    }

    // ---- Sagamihara (seed 004: 第2次相模原市ICT総合戦略【概要】) ------------------------------------------------

    /// <summary>The 施策 of 【本計画】 in 「4 施策の展開」 and the 「想定する主な取組」 under each, in source order.</summary>
    private static readonly (string Code, string Title, string[] Projects)[] SagamiharaMeasures =
    [
        ("1-1", "利便性を高める行政サービスの推進", ["電子申請の利用促進", "キャッシュレス化の推進", "行政手続のワンストップサービスの推進"]),
        ("1-2", "誰一人取り残さない行政サービスの推進", ["デジタルデバイド対策の推進", "中山間地域へのデジタル化の普及促進"]),
        ("2-1", "デジタル技術を生かした行政事務改革", ["RPAの全庁導入", "生成AIの活用・研究", "庁内事務におけるデジタル環境の整備"]),
        ("2-2", "業務継続性の確保", ["ICT-BCPの推進"]),
        ("2-3", "情報システムの標準化・共通化の推進", ["業務プロセスの把握・見直し", "システムの全体最適化"]),
        ("3-1", "データ利活用の促進", ["オープンデータの充実・活用", "文化資料等のアーカイブ化"]),
        ("3-2", "魅力的な地域づくりに向けた情報発信", ["ICT活用による情報発信の多様化"]),
        ("3-3", "ICT教育・人材育成の推進", ["職員のICTスキルの向上"]),
    ];

    [Fact]
    public void Sagamihara_header_and_level_names()
    {
        Assert.Equal("sagamihara-ict-2024", Sagamihara.Code);
        Assert.Equal("第2次相模原市ICT総合戦略", Sagamihara.Title);
        Assert.Equal("相模原市", Sagamihara.Municipality);
        Assert.Equal((2024, 2027), (Sagamihara.Period!.FirstFiscalYear, Sagamihara.Period.LastFiscalYear));
        Assert.Equal(("基本目標", "施策", "取組"), (Sagamihara.LevelNames!.Policy, Sagamihara.LevelNames.Measure, Sagamihara.LevelNames.Project));
        Assert.Contains("数値も文言もない", Sagamihara.Source);
    }

    [Fact]
    public void Sagamihara_has_the_3_basic_goals()
    {
        Assert.Equal(["利用者中心の行政サービス改革", "経営資源を最大限に活用した行財政改革", "将来にわたり発展し続けるまちづくり"],
            Sagamihara.Policies.Select(p => p.Title));
        Assert.Equal(["1", "2", "3"], Sagamihara.Policies.Select(p => p.Code));
    }

    [Fact]
    public void Sagamihara_has_the_8_measures_of_the_current_plan_and_their_15_projects()
    {
        Assert.Equal(SagamiharaMeasures.Select(m => (m.Code, m.Title)), Measures(Sagamihara).Select(m => (m.Code!, m.Title!)));
        Assert.Equal(SagamiharaMeasures.Select(m => string.Join("|", m.Projects)),
            Measures(Sagamihara).Select(m => string.Join("|", m.Projects.Select(p => p.Name))));
        Assert.Equal(15, Definitions(Sagamihara).Count());
        Assert.All(Placements(Sagamihara), p => Assert.Null(p.CrossListingOf));
        Assert.All(Definitions(Sagamihara), p => Assert.Empty(p.LeadDepartments));   // the summary names no department
    }

    [Fact]
    public void Sagamihara_has_one_measure_target_per_measure_without_figures()
    {
        Assert.All(Measures(Sagamihara), m =>
        {
            var i = Assert.Single(m.Indicators);
            Assert.Equal(m.Code + "-M1", i.Code);
            Assert.Equal("measureTarget", i.Kind);
            Assert.Empty(i.Targets);
            Assert.Contains("示していない", i.ReadingNote);
        });
    }

    [Fact]
    public void Sagamihara_projects_have_an_action_target_and_an_outcome_indicator_without_figures()
    {
        Assert.All(Definitions(Sagamihara), p =>
        {
            Assert.Equal([p.Code + "-1", p.Code + "-2"], p.Indicators.Select(i => i.Code));
            Assert.Equal(["action", null], p.Indicators.Select(i => i.Kind));
            Assert.All(p.Indicators, i => Assert.Empty(i.Targets));
            Assert.All(p.Indicators, i => Assert.False(string.IsNullOrWhiteSpace(i.ReadingNote)));
        });
        Assert.Equal(8 + 15 * 2, Indicators(Sagamihara).Count());
    }

    [Fact]
    public void No_bundled_text_carries_the_garbled_characters_of_the_source()
    {
        var f = Sagamihara;
        var names = Definitions(f).Select(p => p.Name!).Concat(Indicators(f).Select(i => i.Name!));
        Assert.All(names, n => Assert.DoesNotMatch(@"\p{IsCyrillic}", n));
    }
}
