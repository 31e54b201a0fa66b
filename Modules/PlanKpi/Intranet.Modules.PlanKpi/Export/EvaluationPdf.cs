using Intranet.Modules.PlanKpi.Domain;
using Intranet.Modules.PlanKpi.Domain.Evaluation;
using Intranet.Modules.PlanKpi.UseCases.Evaluation;
using Intranet.Shared.Time;
using Intranet.Shared.Web;
using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;

namespace Intranet.Modules.PlanKpi.Export;

/// <summary>The Japanese TrueType font for reports is missing or unreadable (answered 503 with this message).</summary>
public sealed class ReportFontException(string message) : Exception(message);

/// <summary>
/// Resolves the one font of the PDF reports: a Japanese TrueType font file (PDFsharp embeds TrueType outlines only; the
/// Noto CJK fonts Debian ships are CFF collections, which it cannot embed). The file is setting <c>Reports:FontPath</c>,
/// else the first of <see cref="DefaultPaths"/> that exists (Debian package <c>fonts-ipaexfont-gothic</c>). PDFsharp keeps
/// one resolver per process, so this one is installed once and resolves a family name that is the file's path.
/// </summary>
public sealed class ReportFontResolver : IFontResolver
{
    /// <summary>Where Debian's <c>fonts-ipaexfont-gothic</c> puts IPAexゴシック (and its alternatives link).</summary>
    public static readonly IReadOnlyList<string> DefaultPaths =
    [
        "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
        "/usr/share/fonts/truetype/ipaexfont-gothic/ipaexg.ttf",
        "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
    ];

    private const string Prefix = "intranet-report:";
    private static readonly Lock Gate = new();
    private static readonly ReportFontResolver Instance = new();

    /// <summary>
    /// The family name to give <see cref="XFont"/> for the font at <paramref name="configuredPath"/> (or the default),
    /// installing the resolver on first use. Throws <see cref="ReportFontException"/> (Japanese, naming the path and the
    /// setting) when the file does not exist.
    /// </summary>
    public static string Family(string? configuredPath)
    {
        var path = string.IsNullOrWhiteSpace(configuredPath) ? DefaultPaths.FirstOrDefault(File.Exists) : configuredPath.Trim();
        if (path is null || !File.Exists(path))
            throw new ReportFontException(
                $"PDF に埋め込む日本語フォント (TrueType) が見つかりません: {path ?? string.Join("、", DefaultPaths)}。" +
                "Debian では fonts-ipaexfont-gothic を導入するか、設定 Reports:FontPath に .ttf ファイルのパスを指定してください。");
        lock (Gate)
        {
            if (GlobalFontSettings.FontResolver is not ReportFontResolver) GlobalFontSettings.FontResolver = Instance;
        }
        return Prefix + path;
    }

    /// <inheritdoc />
    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) =>
        familyName.StartsWith(Prefix, StringComparison.Ordinal) ? new FontResolverInfo(familyName) : null;

    /// <inheritdoc />
    public byte[]? GetFont(string faceName)
    {
        if (!faceName.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        try
        {
            return File.ReadAllBytes(faceName[Prefix.Length..]);
        }
        catch (IOException e)
        {
            throw new ReportFontException($"PDF に埋め込む日本語フォントを読めません: {faceName[Prefix.Length..]} ({e.Message})");
        }
    }
}

/// <summary>
/// The 評価報告書 as PDF (PDFsharp, A4 portrait, the Japanese font embedded as a subset with its ToUnicode map so text can
/// be searched and copied): page 1 the round's stages and the final grades per policy and measure, then one page per project
/// (continued on further pages when its text is long) with its indicators, the self-evaluation (取組実績, 課題, 次年度の方向性,
/// 事業費, 人工) and every stage's grade and comment and the decision. Every page has the header (plan, 年度, 出力日) and
/// 「n / N」 at the foot.
/// </summary>
public static class EvaluationPdf
{
    private const double Margin = 40;          // points (A4 = 595 × 842 pt)
    private const double HeaderHeight = 46;
    private const double FooterHeight = 24;

    /// <summary>The PDF bytes. Throws <see cref="ReportFontException"/> when the font is missing.</summary>
    /// <param name="report">The report (<see cref="GetEvaluationReport"/>).</param>
    /// <param name="fontPath">Setting <c>Reports:FontPath</c> (null: the default paths).</param>
    public static byte[] Write(EvaluationReport report, string? fontPath)
    {
        var family = ReportFontResolver.Family(fontPath);
        using var document = new PdfDocument();
        document.Info.Title = $"{report.PlanTitle} {Fmt.Year(report.FiscalYear)} 評価報告書";
        document.Info.Subject = "評価報告書";
        document.Info.Creator = "Intranet (ICT活用推進計画の進行管理)";
        var writer = new Writer(document, report, family);
        writer.Summary();
        foreach (var project in report.Projects) writer.Project(project);
        writer.Footers();
        using var buffer = new MemoryStream();
        document.Save(buffer, closeStream: false);
        return buffer.ToArray();
    }

    private sealed class Writer(PdfDocument document, EvaluationReport report, string family)
    {
        private readonly XFont _title = new(family, 14);
        private readonly XFont _heading = new(family, 11);
        private readonly XFont _text = new(family, 9);
        private readonly XFont _small = new(family, 7.5);
        private readonly List<PdfPage> _pages = [];
        private XGraphics? _gfx;
        private double _y;
        private string _continued = "";

        private static double Width => PageSize.Width - 2 * Margin;
        private static XSize PageSize => new(595.28, 841.89);
        private double Bottom => PageSize.Height - Margin - FooterHeight;

        public void Summary()
        {
            NewPage("");
            Line($"{report.PlanTitle}　{Fmt.YearLong(report.FiscalYear)} 評価報告書", _title, 20);
            Line(report.IsClosed
                ? $"評価は確定しています ({(report.ClosedAt is { } c ? c.ToJapanTimeText() : "")})。"
                : $"評価は進行中です (現在の段階: {report.Current.Name})。記録済みの評価だけを載せています。", _text);
            if (!report.AllProjects) Line("所属課が主管する事業だけを載せています。", _text);
            Space(6);
            Line("評価の段階", _heading);
            foreach (var s in report.Stages)
                Line($"{s.Order}. {s.Name} ({s.EvaluatorLabel})　締切 {Fmt.Date(s.Deadline)}{(s.ClosedAt is { } at ? $"　終了 {at.ToJapanTimeText()}" : "")}", _text);
            Space(6);
            Line($"評価の分布 ({report.PolicyLevelName}・{report.MeasureLevelName}別、最終の評価)", _heading);
            double[] widths = [Width - 6 * 42, 42, 42, 42, 42, 42, 42];
            Row(["区分", "A", "B", "C", "D", "評価なし", "事業数"], widths, _text, shade: true);
            foreach (var policy in report.ByPolicy)
            {
                Row(Counts(policy, policy.Label), widths, _text, shade: false, bold: true);
                foreach (var m in report.ByMeasure.Where(m => m.PolicyCode == policy.PolicyCode))
                    Row(Counts(m, "　" + m.Label), widths, _text, shade: false);
            }
            Space(6);
            Line("評価の意味: A 目標を達成 / B ある程度達成 / C あまり達成していない / D 達成していない", _small);
        }

        private static string[] Counts(GradeGroup g, string label) =>
        [
            label, g.Counts[Grade.A].ToString(), g.Counts[Grade.B].ToString(), g.Counts[Grade.C].ToString(), g.Counts[Grade.D].ToString(),
            g.Ungraded.ToString(), g.Total.ToString(),
        ];

        public void Project(ReportProject p)
        {
            NewPage($"{p.ProjectCode} {p.ProjectName} (続き)");
            Line($"{p.ProjectCode}　{p.ProjectName}", _title, 20);
            Line($"{report.PolicyLevelName}: {p.PolicyCode} {p.PolicyTitle}　/　{report.MeasureLevelName}: {p.MeasureCode} {p.MeasureTitle}", _small);
            Line($"主管課: {string.Join("、", p.LeadDepartments)}　最終の評価: {p.FinalGrade?.ToString() ?? "—"}　判断: {(p.Decision is { } d ? EvaluationRules.Label(d) : "—")}", _text);
            Space(4);

            Line("評価指標", _heading);
            if (p.Indicators.Count == 0) Line("評価指標はありません。", _text);
            else
            {
                double[] widths = [Width - 4 * 70 - 50, 70, 70, 50, 70, 50];
                Row(["指標", "目標値", "実績値", "達成率", "状況", "単位"], widths, _small, shade: true);
                foreach (var i in p.Indicators)
                    Row([$"{i.Code} {i.Name}", i.TargetText ?? Fmt.Number(i.TargetValue), Fmt.Number(i.Actual), Fmt.Percent(i.AchievementRate),
                        KpiRules.Label(i.Status), i.Unit], widths, _small, shade: false);
            }
            Space(4);

            Line("自己評価 (主管課)", _heading);
            var self = p.Stages.FirstOrDefault(s => s.Order == 1);
            Field("評価", self?.Grade is { } g ? EvaluationRules.Label(g) : "—");
            Field("取組実績", p.Achievements);
            Field("課題", p.Issues);
            Field("次年度の方向性", p.NextYear is { } n ? EvaluationRules.Label(n) : null);
            Field("事業費", p.CostThousandYen is { } cost ? Fmt.WithUnit(cost, "千円") : null);
            Field("人工", p.StaffEffort is { } effort ? Fmt.WithUnit(effort, "人") : null);
            Space(4);

            Line("各段階の評価", _heading);
            double[] stageWidths = [110, 40, Width - 110 - 40 - 60, 60];
            Row(["段階", "評価", "コメント・意見", "判断"], stageWidths, _small, shade: true);
            foreach (var s in p.Stages.Where(s => s.Order > 1))
                Row([s.Name, s.Grade?.ToString() ?? "—", s.Comment ?? "", s.Decision is { } sd ? EvaluationRules.Label(sd) : ""], stageWidths, _small, shade: false);
        }

        /// <summary>Writes 「n / N」 at the foot of every page.</summary>
        public void Footers()
        {
            _gfx?.Dispose();
            _gfx = null;
            for (var i = 0; i < _pages.Count; i++)
            {
                using var gfx = XGraphics.FromPdfPage(_pages[i], XGraphicsPdfPageOptions.Append);
                gfx.DrawString($"{i + 1} / {_pages.Count}", _small, XBrushes.Gray,
                    new XRect(Margin, PageSize.Height - Margin - 10, Width, 10), XStringFormats.Center);
            }
        }

        private void NewPage(string continued)
        {
            _gfx?.Dispose();
            var page = document.AddPage();
            page.Size = PdfSharp.PageSize.A4;
            page.Orientation = PageOrientation.Portrait;
            _pages.Add(page);
            _gfx = XGraphics.FromPdfPage(page);
            _continued = continued;
            var header = $"{report.PlanTitle}　{Fmt.YearLong(report.FiscalYear)}　評価報告書";
            _gfx.DrawString(header, _small, XBrushes.Black, new XRect(Margin, Margin - 14, Width, 12), XStringFormats.TopLeft);
            _gfx.DrawString($"出力日 {Fmt.Date(DateOnly.FromDateTime(report.GeneratedAt.ToOffset(FiscalYear.JapanOffset).DateTime))}", _small, XBrushes.Black,
                new XRect(Margin, Margin - 14, Width, 12), XStringFormats.TopRight);
            _gfx.DrawLine(XPens.Gray, Margin, Margin, PageSize.Width - Margin, Margin);
            _y = Margin + HeaderHeight - 30;
        }

        private void Break()
        {
            NewPage(_continued);
            if (_continued.Length > 0) Line(_continued, _small);
        }

        private void Space(double points) => _y += points;

        private void Line(string text, XFont font, double? height = null)
        {
            foreach (var line in Wrap(text, font, Width))
            {
                var h = height ?? font.Size * 1.45;
                if (_y + h > Bottom) Break();
                _gfx!.DrawString(line, font, XBrushes.Black, new XRect(Margin, _y, Width, h), XStringFormats.TopLeft);
                _y += h;
            }
        }

        private void Field(string label, string? value)
        {
            const double labelWidth = 80;
            var lines = Wrap(string.IsNullOrWhiteSpace(value) ? "—" : value, _text, Width - labelWidth);
            var h = _text.Size * 1.45;
            for (var i = 0; i < lines.Count; i++)
            {
                if (_y + h > Bottom) Break();
                if (i == 0) _gfx!.DrawString(label, _text, XBrushes.DimGray, new XRect(Margin, _y, labelWidth, h), XStringFormats.TopLeft);
                _gfx!.DrawString(lines[i], _text, XBrushes.Black, new XRect(Margin + labelWidth, _y, Width - labelWidth, h), XStringFormats.TopLeft);
                _y += h;
            }
        }

        /// <summary>A table row: each cell wrapped to its width, borders drawn, moved to a new page when it does not fit.</summary>
        private void Row(IReadOnlyList<string> cells, IReadOnlyList<double> widths, XFont font, bool shade, bool bold = false)
        {
            var lineHeight = font.Size * 1.4;
            var wrapped = cells.Select((c, i) => Wrap(c, font, widths[i] - 6)).ToList();
            var h = wrapped.Max(w => w.Count) * lineHeight + 4;
            if (_y + h > Bottom) Break();
            var x = Margin;
            for (var i = 0; i < cells.Count; i++)
            {
                var rect = new XRect(x, _y, widths[i], h);
                if (shade) _gfx!.DrawRectangle(XBrushes.WhiteSmoke, rect);
                _gfx!.DrawRectangle(XPens.LightGray, rect);
                for (var l = 0; l < wrapped[i].Count; l++)
                    _gfx.DrawString(wrapped[i][l], font, bold ? XBrushes.Black : XBrushes.Black,
                        new XRect(x + 3, _y + 2 + l * lineHeight, widths[i] - 6, lineHeight), XStringFormats.TopLeft);
                x += widths[i];
            }
            _y += h;
        }

        /// <summary>Wraps by character (Japanese has no spaces), keeping the author's line breaks.</summary>
        private List<string> Wrap(string text, XFont font, double width)
        {
            var lines = new List<string>();
            foreach (var paragraph in text.Replace("\r\n", "\n").Split('\n'))
            {
                var current = "";
                foreach (var ch in paragraph.EnumerateRunes())
                {
                    var next = current + ch;
                    if (current.Length > 0 && _gfx!.MeasureString(next, font).Width > width)
                    {
                        lines.Add(current);
                        current = ch.ToString();
                    }
                    else current = next;
                }
                lines.Add(current);
            }
            return lines;
        }
    }
}
