namespace Intranet.Shared.Export;

/// <summary>
/// CSV injection (formula injection) defence for every CSV the suite writes: a TEXT cell that begins with
/// <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, a tab or a carriage return would be run as a formula by Excel or
/// LibreOffice (<c>=HYPERLINK("http://x")</c>, <c>@SUM(…)</c>); such a cell gets a leading single quote
/// (OWASP "CSV Injection": prefix <c>'</c>), which spreadsheets show as text and people read as is.
/// <para>
/// Only text cells are neutralised. Whether a cell is text is decided by the column's type (the value's CLR type in
/// <see cref="TableExport"/>, the column list in the module writers), never by guessing from the content: a
/// number written as a number (<c>-5</c>) stays <c>-5</c>, while a title typed as <c>-5</c> becomes <c>'-5</c>.
/// </para>
/// </summary>
public static class CsvSafety
{
    /// <summary>The first characters that make a spreadsheet treat a cell as a formula.</summary>
    public static IReadOnlyList<char> FormulaStarts { get; } = ['=', '+', '-', '@', '\t', '\r'];

    /// <summary>
    /// <paramref name="text"/> as a safe text cell: prefixed with <c>'</c> when it begins with one of
    /// <see cref="FormulaStarts"/>, otherwise unchanged (null becomes empty).
    /// </summary>
    public static string Text(string? text) =>
        string.IsNullOrEmpty(text) ? "" : IsFormulaLike(text) ? "'" + text : text;

    /// <summary>Whether <paramref name="cell"/> begins with one of <see cref="FormulaStarts"/>.</summary>
    public static bool IsFormulaLike(string? cell) => !string.IsNullOrEmpty(cell) && FormulaStarts.Contains(cell[0]);
}
