using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using NJsonSchema;

namespace Switchback.Core.OnlineEvaluators.Detectors;

/// <summary>
/// Compiles JSON Schemas with NJsonSchema once per distinct schema text. Thread-safe. Holds at most
/// <c>capacity</c> schemas: schema texts come from clients, so an unbounded cache would be a memory leak; texts beyond
/// it are compiled per response.
/// </summary>
internal sealed class SchemaCache(int capacity)
{
    // Newtonsoft.Json, under NJsonSchema, refuses nesting beyond 64 by default; checking first gives a clear message.
    private const int MaxSchemaDepth = 64;
    private const int MaxSchemaChars = 1024 * 1024;

    private readonly ConcurrentDictionary<string, Lazy<CompiledSchema>> _schemas = new(StringComparer.Ordinal);

    /// <summary>The number of schemas held.</summary>
    public int Count => _schemas.Count;

    /// <summary>The compiled schema for <paramref name="schemaText"/>, from the cache when it is there.</summary>
    public CompiledSchema Get(string schemaText)
    {
        if (_schemas.TryGetValue(schemaText, out var cached))
        {
            return cached.Value;
        }

        if (_schemas.Count >= capacity)
        {
            return Compile(schemaText);
        }

        return _schemas.GetOrAdd(schemaText, text => new Lazy<CompiledSchema>(() => Compile(text))).Value;
    }

    private static CompiledSchema Compile(string schemaText)
    {
        if (schemaText.Length > MaxSchemaChars)
        {
            return new CompiledSchema(null, $"the schema is larger than {MaxSchemaChars} characters", false);
        }

        var depthError = JsonChecker.Check(System.Text.Encoding.UTF8.GetBytes(schemaText), MaxSchemaDepth, requireObject: true);
        if (depthError is not null)
        {
            return new CompiledSchema(null, $"the schema is not a usable JSON object: {depthError}", false);
        }

        try
        {
            var node = JsonNode.Parse(schemaText, documentOptions: new JsonDocumentOptions { MaxDepth = MaxSchemaDepth });
            var patternsIgnored = SchemaSanitizer.RemoveRegexKeywords(node);
            var text = patternsIgnored ? node!.ToJsonString() : schemaText;
            var schema = JsonSchema.FromJsonAsync(
                    text,
                    documentPath: null,
                    root => new OfflineReferenceResolver(new JsonSchemaAppender(root, new DefaultTypeNameGenerator())))
                .GetAwaiter().GetResult();
            return new CompiledSchema(schema, null, patternsIgnored);
        }
        catch (Exception ex) when (ex is JsonException or Newtonsoft.Json.JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            return new CompiledSchema(null, $"the schema could not be compiled: {Describe(ex)}", false);
        }
    }

    // NJsonSchema wraps the resolver's refusal; the inner messages say what was refused.
    private static string Describe(Exception ex)
    {
        var messages = new List<string>();
        for (var current = ex; current is not null && messages.Count < 4; current = current.InnerException)
        {
            messages.Add(current.Message);
        }

        return string.Join(" <- ", messages);
    }
}
