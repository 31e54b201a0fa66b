namespace Intranet.Shared.Security;

/// <summary>
/// The suite's roles (one identity for all modules). A user may hold several.
/// Names are stable identifiers stored in the identity database; <see cref="Labels"/> gives the UI names.
/// </summary>
public static class Roles
{
    /// <summary>System administrator: users, imports, everything.</summary>
    public const string Administrator = "Administrator";
    /// <summary>最高情報責任者 (CIO): reads the consolidated KPIs.</summary>
    public const string Cio = "Cio";
    /// <summary>計画事務局 (plan office): manages plans, enters any actual.</summary>
    public const string PlanOffice = "PlanOffice";
    /// <summary>RPA推進チーム.</summary>
    public const string RpaTeam = "RpaTeam";
    /// <summary>人事課 (HR): telework records.</summary>
    public const string HumanResources = "HumanResources";
    /// <summary>会議主管課 (meeting organizer).</summary>
    public const string MeetingOrganizer = "MeetingOrganizer";
    /// <summary>主管課 (department): enters actuals for projects it leads.</summary>
    public const string Department = "Department";
    /// <summary>閲覧者: read only.</summary>
    public const string Viewer = "Viewer";
    /// <summary>
    /// 外部評価者 (学識経験者): an outside reviewer of the yearly evaluation round (issue #10; Chigasaki's 学識経験者評価,
    /// seed 002 第4章). Sees only the evaluation sheets of the rounds whose stages name them, nothing else of the suite.
    /// </summary>
    public const string Reviewer = "Reviewer";

    /// <summary>Every role, in display order.</summary>
    public static IReadOnlyList<string> All { get; } =
        [Administrator, Cio, PlanOffice, RpaTeam, HumanResources, MeetingOrganizer, Department, Viewer, Reviewer];

    /// <summary>The city's own staff: every role except <see cref="Reviewer"/>. Module pages that show the city's data require one of these.</summary>
    public static IReadOnlyList<string> Staff { get; } =
        [Administrator, Cio, PlanOffice, RpaTeam, HumanResources, MeetingOrganizer, Department, Viewer];

    /// <summary>Japanese labels for the UI.</summary>
    public static IReadOnlyDictionary<string, string> Labels { get; } = new Dictionary<string, string>
    {
        [Administrator] = "システム管理者",
        [Cio] = "最高情報責任者(CIO)",
        [PlanOffice] = "計画事務局",
        [RpaTeam] = "RPA推進チーム",
        [HumanResources] = "人事担当",
        [MeetingOrganizer] = "会議主管課",
        [Department] = "主管課",
        [Viewer] = "閲覧者",
        [Reviewer] = "外部評価者(学識経験者)",
    };
}

/// <summary>Claim types the suite adds to the signed-in user.</summary>
public static class IntranetClaimTypes
{
    /// <summary>The user's department (主管課), e.g. 「情報システム課」.</summary>
    public const string Department = "intranet:department";
    /// <summary>Display name.</summary>
    public const string DisplayName = "intranet:display-name";
    /// <summary>Present (value "true") while the first password has not been changed.</summary>
    public const string MustChangePassword = "intranet:must-change-password";
}

/// <summary>Authorization policies shared by every module.</summary>
public static class SharedPolicies
{
    /// <summary>Any signed-in user holding at least one suite role.</summary>
    public const string AnyRole = "Shared.AnyRole";
    /// <summary>Administrators only.</summary>
    public const string Administrator = "Shared.Administrator";
}
