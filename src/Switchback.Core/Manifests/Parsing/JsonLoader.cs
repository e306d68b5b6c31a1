using System.Text;
using System.Text.Json;
using Switchback.Core.Bundles;

namespace Switchback.Core.Manifests.Parsing;

/// <summary>
/// Parses JSON text into <see cref="SourceNode"/> trees with <see cref="Utf8JsonReader"/>, so syntax errors are precise and
/// duplicate keys are caught. A top-level array holds one document per item; otherwise each top-level value is a document.
/// Numbers keep their written text; JSON strings become quoted scalars, other literals plain ones.
/// </summary>
internal static class JsonLoader
{
    /// <summary>Parses every document of <paramref name="text"/>.</summary>
    public static List<ParsedDocument> Load(string text)
    {
        var documents = new List<ParsedDocument>();
        var errors = new List<(string, string)>();
        var options = new JsonReaderOptions { AllowMultipleValues = true, MaxDepth = YamlLoader.MaxDepth };
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(text), options);
        var index = 0;
        try
        {
            reader.Read();
            var array = reader.TokenType == JsonTokenType.StartArray && reader.CurrentDepth == 0;
            if (array)
            {
                reader.Read();
            }

            while (array ? reader.TokenType != JsonTokenType.EndArray : reader.TokenType != JsonTokenType.None)
            {
                errors.Clear();
                var root = ReadNode(ref reader, string.Empty, errors);
                documents.Add(new ParsedDocument(index++, root, [.. errors]));
                if (!reader.Read())
                {
                    break;
                }
            }

            if (array && reader.Read())
            {
                errors.Clear();
                errors.Add((ManifestError.DocumentPath, "unexpected content after the top-level array of documents"));
                documents.Add(new ParsedDocument(index, null, [.. errors]));
            }
        }
        catch (JsonException ex)
        {
            var message = ex.Message;
            var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            message = cut > 0 ? message[..cut] : message;
            errors.Add((ManifestError.DocumentPath, $"JSON syntax error at line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}: {message}"));
            documents.Add(new ParsedDocument(index, null, [.. errors]));
        }

        return documents;
    }

    private static SourceNode ReadNode(ref Utf8JsonReader reader, string path, List<(string, string)> errors)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var entries = new List<KeyValuePair<string, SourceNode>>();
                var seen = new HashSet<string>(StringComparer.Ordinal);
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var key = GetString(ref reader, path, errors);
                    var childPath = FieldPath.Child(path, key);
                    reader.Read();
                    var value = ReadNode(ref reader, childPath, errors);
                    if (!seen.Add(key))
                    {
                        errors.Add((childPath, $"duplicate key '{key}'"));
                        continue;
                    }

                    entries.Add(new(key, value));
                }

                return new MappingNode(entries, 0, 0);
            case JsonTokenType.StartArray:
                var items = new List<SourceNode>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    items.Add(ReadNode(ref reader, FieldPath.Item(path, items.Count), errors));
                }

                return new SequenceNode(items, 0, 0);
            case JsonTokenType.String:
                return new ScalarNode(GetString(ref reader, path, errors), true, 0, 0);
            case JsonTokenType.Number:
                return new ScalarNode(Encoding.UTF8.GetString(reader.ValueSpan), false, 0, 0);
            case JsonTokenType.True:
                return new ScalarNode("true", false, 0, 0);
            case JsonTokenType.False:
                return new ScalarNode("false", false, 0, 0);
            default:
                return new ScalarNode("null", false, 0, 0);
        }
    }

    private static string GetString(ref Utf8JsonReader reader, string path, List<(string, string)> errors)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            errors.Add((path.Length == 0 ? ManifestError.DocumentPath : path, "text is not valid Unicode (unpaired surrogate escape)"));
            return string.Empty;
        }
    }
}
