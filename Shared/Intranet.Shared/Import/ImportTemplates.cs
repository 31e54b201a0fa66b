using Intranet.Shared.Export;

namespace Intranet.Shared.Import;

/// <summary>
/// Templates of an import kind's standard format: the field names as headers (what the standard mapping reads) and one
/// example row (<see cref="ImportField.Example"/>), as CSV (UTF-8 with BOM) or Excel, through <see cref="TableExport"/>.
/// </summary>
public static class ImportTemplates
{
    private static ExportTable Table(ImportKindInfo kind) =>
        new(kind.Label.Length > 31 ? kind.Label[..31] : kind.Label, kind.Fields.Select(f => f.Name).ToList(),
            [kind.Fields.Select(f => (object?)(f.Example ?? "")).ToList()]);

    /// <summary>CSV template bytes.</summary>
    public static byte[] Csv(ImportKindInfo kind) => TableExport.ToCsv(Table(kind));

    /// <summary>Excel template bytes.</summary>
    public static byte[] Xlsx(ImportKindInfo kind) => TableExport.ToXlsx(Table(kind));
}
