using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Switchback.Core.OnlineEvaluators.Detectors;

/// <summary>Checks already-valid JSON against a compiled schema.</summary>
internal static class SchemaConformance
{
    /// <summary>Null when <paramref name="utf8"/> conforms to <paramref name="schema"/>, else the first errors.</summary>
    public static string? Check(CompiledSchema schema, ReadOnlySpan<byte> utf8, int maxDepth)
    {
        using var reader = new JsonTextReader(new StringReader(Encoding.UTF8.GetString(utf8)))
        {
            // The caller has already bounded the depth; Newtonsoft's own default (64) would reject deeper valid JSON.
            MaxDepth = maxDepth + 1,
            DateParseHandling = DateParseHandling.None,
            FloatParseHandling = FloatParseHandling.Decimal,
        };
        JToken token;
        try
        {
            token = JToken.ReadFrom(reader);
        }
        catch (JsonReaderException)
        {
            // Numbers beyond decimal's range are valid JSON that Newtonsoft cannot hold; read them as doubles instead.
            using var fallback = new JsonTextReader(new StringReader(Encoding.UTF8.GetString(utf8)))
            {
                MaxDepth = maxDepth + 1,
                DateParseHandling = DateParseHandling.None,
            };
            token = JToken.ReadFrom(fallback);
        }

        var errors = schema.Schema!.Validate(token);
        return errors.Count == 0 ? null : string.Join("; ", errors.Take(3).Select(e => $"{e.Path}: {e.Kind}"));
    }
}
