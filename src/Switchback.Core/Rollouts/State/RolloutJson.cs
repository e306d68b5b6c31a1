using System.Text.Json;
using System.Text.Json.Serialization;

namespace Switchback.Core.Rollouts;

/// <summary>The JSON form of rollout state, actions and evidence: enums as snake_case strings, camelCase fields.</summary>
public static class RolloutJson
{
    /// <summary>The serializer options; thread-safe once created.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The state as JSON.</summary>
    public static string Serialize(RolloutState state) => JsonSerializer.Serialize(state, Options);

    /// <summary>The state read back from <see cref="Serialize"/>'s JSON; throws <see cref="JsonException"/> on malformed text.</summary>
    public static RolloutState Deserialize(string json)
        => JsonSerializer.Deserialize<RolloutState>(json, Options) ?? throw new JsonException("rollout state JSON is null");
}
