using System.Text.Json;
using System.Text.Json.Serialization;

namespace Intranet.Modules.PlanKpi.Import;

/// <summary>
/// The plan file format (JSON), documented in <c>PlanFiles/README.md</c>. These types mirror the
/// file one to one; <see cref="PlanFileValidator"/> checks them and <see cref="PlanImporter"/> stores them.
/// </summary>
public sealed class PlanFile
{
    public int FormatVersion { get; set; }
    public string? Code { get; set; }
    public string? Title { get; set; }
    public string? Municipality { get; set; }
    public PlanFilePeriod? Period { get; set; }
    public string? Vision { get; set; }
    public PlanFileLevelNames? LevelNames { get; set; }
    public string? Source { get; set; }
    public List<PlanFilePolicy> Policies { get; set; } = [];

    /// <summary>The only format version this code reads.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>Serializer options: camelCase, unknown properties are errors (they are usually typos).</summary>
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };
}

public sealed class PlanFilePeriod
{
    public int FirstFiscalYear { get; set; }
    public int LastFiscalYear { get; set; }
}

public sealed class PlanFileLevelNames
{
    public string? Policy { get; set; }
    public string? Measure { get; set; }
    public string? Project { get; set; }
}

public sealed class PlanFilePolicy
{
    public string? Code { get; set; }
    public string? Title { get; set; }
    public List<PlanFileMeasure> Measures { get; set; } = [];
}

public sealed class PlanFileMeasure
{
    public string? Code { get; set; }
    public string? Title { get; set; }
    public List<PlanFileIndicator> Indicators { get; set; } = [];
    public List<PlanFileProject> Projects { get; set; } = [];
}

/// <summary>A project, or a cross-listing placement (only <see cref="Code"/> and <see cref="CrossListingOf"/>).</summary>
public sealed class PlanFileProject
{
    public string? Code { get; set; }
    public string? CrossListingOf { get; set; }
    public string? Name { get; set; }
    public string? Continuity { get; set; }
    public List<string> LeadDepartments { get; set; } = [];
    public List<string> RelatedDepartments { get; set; } = [];
    public string? Summary { get; set; }
    public string? Aim { get; set; }
    public string? OfficialSummary { get; set; }
    public string? OfficialAim { get; set; }
    public List<PlanFileActivity> AnnualActivities { get; set; } = [];
    public List<PlanFileIndicator> Indicators { get; set; } = [];
}

public sealed class PlanFileActivity
{
    public string? Name { get; set; }
    public List<int> FiscalYears { get; set; } = [];
}

public sealed class PlanFileIndicator
{
    public string? Code { get; set; }
    public string? Name { get; set; }
    /// <summary>
    /// <c>"outcome"</c> (成果指標/評価指標; also when absent or null), <c>"measureTarget"</c> (施策目標値, only in a
    /// measure's <c>indicators</c>) or <c>"action"</c> (行動目標: a yearly text target, only on a project).
    /// Read with <see cref="PlanFileValidator.ParseKind"/>.
    /// </summary>
    public string? Kind { get; set; }
    /// <summary>単位; required when a target has a numeric <c>value</c>, may be empty otherwise.</summary>
    public string? Unit { get; set; }
    public string? Direction { get; set; }
    public string? Comparator { get; set; }
    public bool Cumulative { get; set; }
    public string? MetricKey { get; set; }
    public List<PlanFileTarget> Targets { get; set; } = [];
    public string? Rationale { get; set; }
    public string? OfficialRationale { get; set; }
    public string? ReadingNote { get; set; }
}

public sealed class PlanFileTarget
{
    public int FiscalYear { get; set; }
    public decimal? Value { get; set; }
    public string? Text { get; set; }
}
