using Intranet.Modules.PlanKpi.Import;

namespace Intranet.UnitTests;

/// <summary>The plan files shipped in the module (PlanFiles/*.json, embedded resources).</summary>
public class BundledPlanFileTests
{
    private const string HadanoResource = "PlanFiles.hadano-ict-2021.json";
    private const string ChigasakiResource = "PlanFiles.chigasaki-chiiki-2016.json";

    private static readonly Lazy<PlanFile> HadanoFile = new(() => Load(HadanoResource));
    private static readonly Lazy<PlanFile> ChigasakiFile = new(() => Load(ChigasakiResource));

    private static PlanFile Hadano => HadanoFile.Value;
    private static PlanFile Chigasaki => ChigasakiFile.Value;

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
    public void Both_files_are_embedded_Hadano_first()
    {
        Assert.Equal([HadanoResource, ChigasakiResource], BundledPlans.ResourceNames);
    }

    [Fact]
    public void Open_unknown_resource_throws()
    {
        Assert.Throws<InvalidOperationException>(() => BundledPlans.Open("PlanFiles.nope.json"));
    }

    [Theory]
    [InlineData(HadanoResource)]
    [InlineData(ChigasakiResource)]
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
}
