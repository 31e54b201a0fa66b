using Intranet.Shared.Auditing;

namespace Intranet.Modules.Paperless.Domain;

/// <summary>
/// 庁内の用紙使用量: the sheets of paper the whole office used in one fiscal year (枚), e.g. from purchase records
/// (印刷用紙の購入実績). It is the source of Hadano 2-2-(2)-1 紙の削減量: the reduction against the use of the baseline
/// year FY2019 (<see cref="PaperlessRules.PaperUseBaselineYear"/>, <see cref="PaperlessRules.PaperReduction"/>).
/// One row per fiscal year; recorded and deleted by the plan office (<c>RecordOfficePaperUse</c>, <c>DeleteOfficePaperUse</c>),
/// checked by <see cref="PaperlessRules.CheckPaperUse"/>; audited (<c>paperless.AuditEntries</c>, EntityType <c>OfficePaperUse</c>).
/// </summary>
public sealed class OfficePaperUse : IAudited, IVersioned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    /// <summary>Fiscal year as its starting calendar year (2019 = 令和元年度); unique.</summary>
    public int FiscalYear { get; set; }
    /// <summary>Sheets used office-wide in the fiscal year (枚), 0 … <see cref="PaperlessRules.MaxSheetsPerYear"/>.</summary>
    public long SheetsUsed { get; set; }
    /// <summary>Where the figure comes from, e.g. 「用紙購入実績 (契約課)」; null when not given.</summary>
    public string? SourceNote { get; set; }
    /// <summary>Who recorded it (the user's e-mail, or <c>system</c> for the command line and demo data).</summary>
    public string RecordedBy { get; set; } = "";
    public DateTimeOffset RecordedAt { get; set; }
    /// <inheritdoc />
    public Guid Version { get; set; }
}
