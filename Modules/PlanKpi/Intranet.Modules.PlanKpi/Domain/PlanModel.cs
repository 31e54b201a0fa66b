using Intranet.Shared.Auditing;

namespace Intranet.Modules.PlanKpi.Domain;

/// <summary>
/// 計画: one municipality's multi-year ICT/DX plan (e.g. はだのICT活用推進計画, FY2021–FY2025).
/// The names of its three levels differ by city (Hadano: 基本方針/事業推進計画/個別事業;
/// Chigasaki: 施策展開の柱/施策/事務事業), so they are data.
/// </summary>
public sealed class Plan : IAudited
{
    public Guid Id { get; set; } = Guid.NewGuid();
    /// <summary>Unique code, e.g. <c>hadano-ict-2021</c>.</summary>
    public string Code { get; set; } = "";
    public string Title { get; set; } = "";
    public string Municipality { get; set; } = "";
    /// <summary>計画期間: first fiscal year (starting calendar year).</summary>
    public int FirstFiscalYear { get; set; }
    /// <summary>計画期間: last fiscal year (starting calendar year).</summary>
    public int LastFiscalYear { get; set; }
    /// <summary>基本理念 / 基本コンセプト.</summary>
    public string? Vision { get; set; }
    /// <summary>Label of level 1, e.g. 基本方針.</summary>
    public string PolicyLevelName { get; set; } = "基本方針";
    /// <summary>Label of level 2, e.g. 事業推進計画.</summary>
    public string MeasureLevelName { get; set; } = "施策";
    /// <summary>Label of level 3, e.g. 個別事業.</summary>
    public string ProjectLevelName { get; set; } = "個別事業";
    /// <summary>Where the data came from (free text from the plan file).</summary>
    public string? Source { get; set; }
    /// <summary>Last import (UTC).</summary>
    public DateTimeOffset ImportedAt { get; set; }
    public int SortOrder { get; set; }

    public List<Policy> Policies { get; set; } = [];
    public List<Project> Projects { get; set; } = [];
    public List<Indicator> Indicators { get; set; } = [];
}

/// <summary>基本方針 (level 1 under the vision).</summary>
public sealed class Policy : IAudited
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid PlanId { get; set; }
    /// <summary>Code as the plan numbers it, e.g. <c>2</c>.</summary>
    public string Code { get; set; } = "";
    public string Title { get; set; } = "";
    public int SortOrder { get; set; }
    public List<Measure> Measures { get; set; } = [];
}

/// <summary>事業推進計画 / 施策 (level 2: a group of projects).</summary>
public sealed class Measure : IAudited
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid PlanId { get; set; }
    public Guid PolicyId { get; set; }
    /// <summary>e.g. <c>2-1</c>.</summary>
    public string Code { get; set; } = "";
    public string Title { get; set; } = "";
    public int SortOrder { get; set; }
    public List<Placement> Placements { get; set; } = [];
}

/// <summary>Whether a project carries over from the previous plan.</summary>
public enum Continuity
{
    /// <summary>新規.</summary>
    New,
    /// <summary>継続.</summary>
    Continuing,
}

/// <summary>個別事業 / 事務事業: the unit that is run and evaluated.</summary>
public sealed class Project : IAudited
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid PlanId { get; set; }
    /// <summary>The project's own code = code of its first placement, e.g. <c>2-2-(2)</c> or <c>35</c>.</summary>
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    /// <summary>新規/継続, or null when the plan does not say.</summary>
    public Continuity? Continuity { get; set; }
    /// <summary>概要 (one line).</summary>
    public string? Summary { get; set; }
    /// <summary>目指すもの (one line).</summary>
    public string? Aim { get; set; }
    public string? OfficialSummary { get; set; }
    public string? OfficialAim { get; set; }
    public int SortOrder { get; set; }
    /// <summary>
    /// First fiscal year (starting calendar year) the project runs in; null = from the start of the plan's period. Set by a
    /// revision that adds the project (<see cref="PlanRevisionRules"/>).
    /// </summary>
    public int? FirstFiscalYear { get; set; }
    /// <summary>
    /// Last fiscal year the project runs in; null = to the end of the plan's period. Set by a revision that ends the project
    /// (effective year − 1): 「令和N年度で終了」.
    /// </summary>
    public int? LastFiscalYear { get; set; }

    /// <summary>
    /// Whether the project runs in <paramref name="fiscalYear"/> (starting calendar year): not before
    /// <see cref="FirstFiscalYear"/> and not after <see cref="LastFiscalYear"/> (a null bound is the plan's period, i.e. no
    /// bound of its own). Evaluation sheets and owed actuals exist only for active years.
    /// </summary>
    public bool IsActiveIn(int fiscalYear) =>
        (FirstFiscalYear is not { } first || fiscalYear >= first) && (LastFiscalYear is not { } last || fiscalYear <= last);

    public List<ProjectDepartment> Departments { get; set; } = [];
    public List<AnnualActivity> AnnualActivities { get; set; } = [];
    public List<Placement> Placements { get; set; } = [];
}

/// <summary>A department's part in a project: lead (主管課) or related (関係課).</summary>
public enum DepartmentRole
{
    /// <summary>主管課等.</summary>
    Lead,
    /// <summary>関係課等.</summary>
    Related,
}

/// <summary>A department of a project, in the plan's order.</summary>
public sealed class ProjectDepartment
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid ProjectId { get; set; }
    public DepartmentRole Role { get; set; }
    /// <summary>Department name exactly as the plan writes it, e.g. 情報システム課.</summary>
    public string Department { get; set; } = "";
    public int SortOrder { get; set; }
}

/// <summary>年度ごとの取組: an activity and the fiscal years it runs in.</summary>
public sealed class AnnualActivity
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid ProjectId { get; set; }
    public string Name { get; set; } = "";
    /// <summary>Comma-separated starting calendar years, e.g. <c>2021,2022</c>.</summary>
    public string FiscalYears { get; set; } = "";
    public int SortOrder { get; set; }

    /// <summary>The years parsed from <see cref="FiscalYears"/>.</summary>
    public IReadOnlyList<int> Years => FiscalYears.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();
}

/// <summary>
/// Where a project is listed: under which measure, with which code. A project listed under a second
/// measure (【再掲】) has a second placement with <see cref="IsCrossListing"/> set.
/// </summary>
public sealed class Placement
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid MeasureId { get; set; }
    public Guid ProjectId { get; set; }
    /// <summary>Code under this measure, e.g. <c>2-3-(2)</c> for the cross-listing of <c>2-2-(2)</c>.</summary>
    public string Code { get; set; } = "";
    public bool IsCrossListing { get; set; }
    public int SortOrder { get; set; }
    public Project? Project { get; set; }
}
