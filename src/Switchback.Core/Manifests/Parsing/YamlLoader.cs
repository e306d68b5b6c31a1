using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using Switchback.Core.Bundles;

namespace Switchback.Core.Manifests.Parsing;

/// <summary>
/// Parses YAML text into <see cref="SourceNode"/> trees, one per document, with YamlDotNet's event parser so that duplicate
/// keys, anchors, aliases and tags are seen (a deserializer would hide them). Anchors and aliases are rejected.
/// </summary>
internal sealed partial class YamlLoader
{
    /// <summary>How deeply nodes may nest; manifests need a handful, and the limit keeps recursion bounded.</summary>
    public const int MaxDepth = 64;

    private const string StringTag = "tag:yaml.org,2002:str";
    private readonly List<(string Path, string Message)> _errors = [];
    private IParser _parser = null!;

    /// <summary>Parses every document of <paramref name="text"/>.</summary>
    public static List<ParsedDocument> Load(string text) => new YamlLoader().LoadAll(text);

    private List<ParsedDocument> LoadAll(string text)
    {
        var documents = new List<ParsedDocument>();
        _parser = new Parser(new StringReader(text));
        var index = 0;
        try
        {
            _parser.Consume<StreamStart>();
            while (!_parser.TryConsume<StreamEnd>(out _))
            {
                _parser.Consume<DocumentStart>();
                _errors.Clear();
                var empty = _parser.Accept<Scalar>(out var scalar) && scalar.Value.Length == 0 && scalar.Style == ScalarStyle.Plain
                    && scalar.Tag.IsEmpty && scalar.Anchor.IsEmpty;
                var root = ParseNode(string.Empty, 0);
                _parser.Consume<DocumentEnd>();
                documents.Add(new ParsedDocument(index, root, [.. _errors]) { IsEmpty = empty });
                index++;
            }
        }
        catch (YamlException ex)
        {
            _errors.Add((ManifestError.DocumentPath,
                $"YAML syntax error at line {ex.Start.Line}, column {ex.Start.Column}: {MarkPrefix().Replace(ex.Message, string.Empty)}"));
            documents.Add(new ParsedDocument(index, null, [.. _errors]));
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this instead of a YamlException on some malformed flow collections.
            var mark = _parser.Current?.End;
            var near = mark is null ? string.Empty : $" near line {mark.Value.Line}, column {mark.Value.Column}";
            _errors.Add((ManifestError.DocumentPath, $"YAML syntax error{near}: the text after this point is not valid YAML (check brackets, quotes and indentation)"));
            documents.Add(new ParsedDocument(index, null, [.. _errors]));
        }

        return documents;
    }

    private SourceNode? ParseNode(string path, int depth)
    {
        var at = _parser.Current!.Start;
        var where = $" (line {at.Line}, column {at.Column})";
        var shown = path.Length == 0 ? ManifestError.DocumentPath : path;
        if (_parser.TryConsume<AnchorAlias>(out var alias))
        {
            _errors.Add((shown, $"aliases (*{alias.Value}) are not supported in manifests: write the value out{where}"));
            return null;
        }

        if (depth > MaxDepth)
        {
            _errors.Add((shown, $"nested deeper than {MaxDepth} levels{where}"));
            _parser.SkipThisAndNestedEvents();
            return null;
        }

        var node = _parser.Current as NodeEvent;
        if (node is not null && !node.Anchor.IsEmpty)
        {
            _errors.Add((shown, $"anchors (&{node.Anchor.Value}) are not supported in manifests: write the value out{where}"));
        }

        var stringTagged = false;
        if (node is not null && !node.Tag.IsEmpty && node.Tag.Value != "!")
        {
            stringTagged = node.Tag.Value == StringTag && node is Scalar;
            if (!stringTagged)
            {
                _errors.Add((shown, $"YAML tags ({node.Tag.Value}) are not supported in manifests (only !!str){where}"));
            }
        }

        if (_parser.TryConsume<Scalar>(out var scalar))
        {
            if (HasUnpairedSurrogate(scalar.Value))
            {
                _errors.Add((shown, $"text is not valid Unicode (unpaired surrogate){where}"));
            }

            return new ScalarNode(scalar.Value, stringTagged || scalar.Style != ScalarStyle.Plain, at.Line, at.Column);
        }

        if (_parser.TryConsume<SequenceStart>(out _))
        {
            var items = new List<SourceNode>();
            while (!_parser.TryConsume<SequenceEnd>(out _))
            {
                var item = ParseNode(FieldPath.Item(path, items.Count), depth + 1);
                items.Add(item ?? new ScalarNode(string.Empty, false, at.Line, at.Column));
            }

            return new SequenceNode(items, at.Line, at.Column);
        }

        _parser.Consume<MappingStart>();
        return ParseMapping(path, depth, at.Line, at.Column);
    }

    private MappingNode ParseMapping(string path, int depth, long line, long column)
    {
        var entries = new List<KeyValuePair<string, SourceNode>>();
        var seen = new Dictionary<string, long>(StringComparer.Ordinal);
        while (!_parser.TryConsume<MappingEnd>(out _))
        {
            var keyStart = _parser.Current!.Start;
            if (!_parser.Accept<Scalar>(out var key) || !key.Anchor.IsEmpty)
            {
                _errors.Add((path.Length == 0 ? ManifestError.DocumentPath : path,
                    $"mapping keys must be plain text (line {keyStart.Line}, column {keyStart.Column})"));
                _parser.SkipThisAndNestedEvents();
                _parser.SkipThisAndNestedEvents();
                continue;
            }

            _parser.MoveNext();
            var childPath = FieldPath.Child(path, key.Value);
            if (seen.TryGetValue(key.Value, out var firstLine))
            {
                _errors.Add((childPath, $"duplicate key '{key.Value}' (line {keyStart.Line}, column {keyStart.Column}; first at line {firstLine})"));
                _parser.SkipThisAndNestedEvents();
                continue;
            }

            seen[key.Value] = keyStart.Line;
            var value = ParseNode(childPath, depth + 1);
            if (value is not null)
            {
                entries.Add(new(key.Value, value));
            }
        }

        return new MappingNode(entries, line, column);
    }

    /// <summary>Whether <paramref name="text"/> has a surrogate without its pair, which has no UTF-8 form.</summary>
    internal static bool HasUnpairedSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex MarkPrefix();
}
