using System.Text.Json;

namespace Switchback.Control.Admin;

/// <summary>JSON settings of the admin API: snake_case names, nulls written, compact.</summary>
public static class AdminJson
{
    /// <summary>The serializer options every admin response uses.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
    };
}
