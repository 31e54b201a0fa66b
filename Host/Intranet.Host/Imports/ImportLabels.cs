using Intranet.Shared.Import;
using Intranet.Shared.Import.Data;

namespace Intranet.Host.Imports;

/// <summary>Japanese words of the import pages for the pipeline's enums and names.</summary>
public static class ImportLabels
{
    /// <summary>「待機中」「取込中」「完了」「失敗」.</summary>
    public static string State(ImportJobState state) => state switch
    {
        ImportJobState.Queued => "待機中",
        ImportJobState.Running => "取込中",
        ImportJobState.Succeeded => "完了",
        ImportJobState.Failed => "失敗",
        _ => state.ToString(),
    };

    /// <summary>A mapping's name as users read it: the standard format is 「標準の形式」.</summary>
    public static string Mapping(string? name) => string.IsNullOrEmpty(name) || name == ImportMapping.NativeName ? "標準の形式" : name;

    /// <summary>What a field holds, in Japanese (「日付」「時間数 (7.75 または 7:45)」…).</summary>
    public static string Type(ImportFieldType type) => type switch
    {
        ImportFieldType.Text => "文字",
        ImportFieldType.Integer => "整数",
        ImportFieldType.Decimal => "数値",
        ImportFieldType.Date => "日付 (2023/4/3、令和5年4月3日 など)",
        ImportFieldType.DateTime => "日時 (日付と時刻、別の列の時刻も可)",
        ImportFieldType.Hours => "時間数 (7.75 または 7:45)",
        ImportFieldType.Flag => "はい/いいえ (1/0)",
        ImportFieldType.Choice => "選択肢",
        _ => type.ToString(),
    };

    /// <summary>A value of a flag field as users read it: 「1」→「はい (1)」, 「0」→「いいえ (0)」; others unchanged.</summary>
    public static string Target(ImportField field, string value) => field.Type == ImportFieldType.Flag
        ? value switch { "1" => "はい (1)", "0" => "いいえ (0)", _ => value }
        : value;
}
