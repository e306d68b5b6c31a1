using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchback.Gateway.Application;

namespace Switchback.Gateway.Bundles;

/// <summary>
/// What applying one bundle writes into every request, encoded once when the bundle is read: the <c>model</c> value,
/// each serving default as a ready <c>"name":value</c> property, the upstream targets per endpoint, and the system
/// message rendered with the bundle's own variables (the same bytes for every request that brings no variables of its
/// own, unless the template reads the clock). Immutable.
/// </summary>
internal sealed class BundleRewrite
{
    private readonly Lazy<(byte[]? Message, string? Error)> defaultSystem;

    private BundleRewrite(ServingBundle bundle, bool systemIsConstant)
    {
        ModelJson = bundle.ModelName is { } name ? JsonSerializer.SerializeToUtf8Bytes(name) : null;
        DefaultNames = [.. bundle.ServingDefaults.Keys.Select(Encoding.UTF8.GetBytes)];
        DefaultProperties = [.. bundle.ServingDefaults.Select(d => Property(d.Key, d.Value))];
        var path = bundle.Endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');
        Targets = [.. Enum.GetValues<EndpointKind>().Select(kind => new Uri(path + kind.Suffix()))];
        DestinationPrefix = bundle.Endpoint.GetLeftPart(UriPartial.Authority);
        SystemIsConstant = systemIsConstant;
        defaultSystem = new(() => RenderDefault(bundle));
    }

    /// <summary>The JSON string that replaces the client's <c>model</c>, or null when the bundle names no model.</summary>
    public byte[]? ModelJson { get; }

    /// <summary>The serving default names (UTF-8), in the order of <see cref="DefaultProperties"/>.</summary>
    public byte[][] DefaultNames { get; }

    /// <summary>Each serving default as <c>"name":value</c>.</summary>
    public byte[][] DefaultProperties { get; }

    /// <summary>The upstream URL of each <see cref="EndpointKind"/> (indexed by it) when the request has no query string.</summary>
    public Uri[] Targets { get; }

    /// <summary>The endpoint's scheme://host:port: the key of its pooled connections (<c>UpstreamClients</c>).</summary>
    public string DestinationPrefix { get; }

    /// <summary>Whether the rendered system prompt depends only on the variables (so it can be cached).</summary>
    public bool SystemIsConstant { get; }

    /// <summary>Prepares <paramref name="bundle"/>; <paramref name="systemSource"/> is the <c>prompt.system</c> text, if any.</summary>
    public static BundleRewrite For(ServingBundle bundle, string? systemSource)
        => new(bundle, systemSource is null || !ReadsClock(systemSource));

    /// <summary>The system message object for a request without variables of its own, or the render error.</summary>
    public (byte[]? Message, string? Error) DefaultSystemMessage(ServingBundle bundle)
        => SystemIsConstant ? defaultSystem.Value : RenderDefault(bundle);

    /// <summary><c>{"role":"system","content":...}</c> for <paramref name="content"/>.</summary>
    public static byte[] SystemMessage(string content)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(content.Length + 48);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("role"u8, "system"u8);
            writer.WriteString("content"u8, content);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    // Fluid's date filter reads the clock for "now" and "today": such a prompt must be rendered per request.
    private static bool ReadsClock(string source)
        => source.Contains("now", StringComparison.OrdinalIgnoreCase) || source.Contains("today", StringComparison.OrdinalIgnoreCase);

    private static (byte[]?, string?) RenderDefault(ServingBundle bundle)
    {
        try
        {
            return (SystemMessage(BundleApplier.Render(bundle, EmptyVariables)), null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return (null, ex.Message);
        }
    }

    private static byte[] Property(string name, JsonNode value)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName(name);
            value.WriteTo(writer);
            writer.WriteEndObject();
        }

        // Strip the braces of the one-property object: "name":value.
        return buffer.WrittenSpan[1..^1].ToArray();
    }

    private static readonly IReadOnlyDictionary<string, JsonNode?> EmptyVariables = new Dictionary<string, JsonNode?>();
}
