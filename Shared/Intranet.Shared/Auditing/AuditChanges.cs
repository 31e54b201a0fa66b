using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Intranet.Shared.Auditing;

/// <summary>
/// The JSON of <see cref="AuditEntry.Changes"/>: an object of property name → <c>[before, after]</c>, names in ordinal order,
/// values as System.Text.Json writes them, non-ASCII text unescaped (<c>{"Name":[null,"秦野 花子"],…}</c>). The tracked save
/// builds the changes and calls <see cref="Serialize"/>; an import inserting thousands of new records in bulk calls
/// <see cref="Added"/>, which writes the same text for an added entity without the dictionary and the per-value type lookup
/// (issue #12: a staff import's 10,000 people and 10,000 assignments took 390 ms to describe that way in a cold process,
/// about 20 µs a record; <c>AuditChangesTests</c> compares both forms for every entity type).
/// </summary>
internal static class AuditChanges
{
    private static readonly JsonSerializerOptions Json = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly JsonWriterOptions Writer = new() { Encoder = Json.Encoder };

    /// <summary>The changes as JSON: each property's <c>[before, after]</c>, in the dictionary's (ordinal) order.</summary>
    public static string Serialize(SortedDictionary<string, object?[]> changes) => JsonSerializer.Serialize(changes, Json);

    /// <summary>
    /// The changes of <paramref name="entity"/> added: every property of <paramref name="type"/> but
    /// <see cref="IVersioned.Version"/> as <c>[null, value]</c>; the same text <see cref="Serialize"/> writes for them.
    /// </summary>
    /// <exception cref="ArgumentException">A <see cref="double"/> or <see cref="float"/> value is NaN or infinite (as the serializer refuses it).</exception>
    public static string Added(IEntityType type, object entity)
    {
        var properties = type.GetOrAddRuntimeAnnotationValue("Intranet:AuditedProperties", static t => t!.GetProperties()
            .Where(p => p.Name != nameof(IVersioned.Version))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => (Name: JsonEncodedText.Encode(p.Name, Json.Encoder), Getter: p.GetGetter()))
            .ToArray(), type);
        var (buffer, writer) = Buffers();
        writer.WriteStartObject();
        foreach (var (name, getter) in properties)
        {
            writer.WriteStartArray(name);
            writer.WriteNullValue();
            WriteValue(writer, getter.GetClrValueUsingContainingEntity(entity));
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
        writer.Flush();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>One value as the serializer writes a value of its runtime type: the common ones directly, the rest through it.</summary>
    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNullValue(); break;
            case string s: writer.WriteStringValue(s); break;
            case Guid g: writer.WriteStringValue(g); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case int i: writer.WriteNumberValue(i); break;
            case long l: writer.WriteNumberValue(l); break;
            case decimal d: writer.WriteNumberValue(d); break;
            case DateTimeOffset t: writer.WriteStringValue(t); break;
            case DateTime t: writer.WriteStringValue(t); break;
            case DateOnly date:
                Span<byte> text = stackalloc byte[10];
                date.TryFormat(text, out var n, "yyyy-MM-dd", CultureInfo.InvariantCulture);
                writer.WriteStringValue(text[..n]);
                break;
            default: JsonSerializer.Serialize(writer, value, value.GetType(), Json); break;
        }
    }

    // One buffer and writer per thread, reset for each entity (Added does not await, so no other call interleaves).
    [ThreadStatic] private static ArrayBufferWriter<byte>? _buffer;
    [ThreadStatic] private static Utf8JsonWriter? _writer;

    private static (ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer) Buffers()
    {
        if (_buffer is null || _writer is null || _buffer.Capacity > 64 * 1024)
        {
            _buffer = new ArrayBufferWriter<byte>(1024);
            _writer = new Utf8JsonWriter(_buffer, Writer);
        }
        else
        {
            _buffer.ResetWrittenCount();
            _writer.Reset(_buffer);
        }
        return (_buffer, _writer);
    }
}
