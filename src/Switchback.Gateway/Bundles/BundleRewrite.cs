using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchback.Gateway.Application;
using Switchback.Gateway.Templates;

namespace Switchback.Gateway.Bundles;

/// <summary>
/// What applying one bundle writes into every request, encoded once when the bundle is read: the <c>model</c> value,
/// each serving default as a ready <c>"name":value</c> property, the upstream targets per endpoint, and the system
/// message rendered with the bundle's own variables (the same bytes for every request that brings no variables of its
/// own, unless the template reads the clock). Immutable.
/// </summary>
internal sealed class BundleRewrite
{
    private readonly Lazy<(byte[]? Message, ApplyError? Error)> defaultSystem;
    private readonly Lazy<(string? Text, ApplyError? Error)> defaultSystemText;
    private readonly TemplateRenderer renderer;

    private BundleRewrite(ServingBundle bundle, bool systemIsConstant, TemplateRenderer renderer)
    {
        this.renderer = renderer;
        ModelJson = bundle.ModelName is { } name ? JsonSerializer.SerializeToUtf8Bytes(name) : null;
        var kinds = Enum.GetValues<EndpointKind>();
        DefaultNamesByKind = new byte[kinds.Length][][];
        DefaultPropertiesByKind = new byte[kinds.Length][][];
        DefaultAliasesByKind = new byte[]?[kinds.Length][];
        foreach (var kind in kinds)
        {
            var applied = bundle.ServingDefaults
                .Select(d => (Name: ServingDefaultNames.For(kind, d.Key), d.Value))
                .Where(d => d.Name is not null)
                .ToArray();
            DefaultNamesByKind[(int)kind] = [.. applied.Select(d => Encoding.UTF8.GetBytes(d.Name!))];
            DefaultAliasesByKind[(int)kind] = [.. applied.Select(d => ServingDefaultNames.Alias(kind, d.Name!) is { } alias ? Encoding.UTF8.GetBytes(alias) : null)];
            DefaultPropertiesByKind[(int)kind] = [.. applied.Select(d => Property(d.Name!, d.Value))];
        }

        var path = bundle.Endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');
        Targets = [.. Enum.GetValues<EndpointKind>().Select(kind => new Uri(path + kind.Suffix()))];
        DestinationPrefix = bundle.Endpoint.GetLeftPart(UriPartial.Authority);
        SystemIsConstant = systemIsConstant;
        defaultSystemText = new(() => renderer.Render(bundle, EmptyVariables, timed: false, CancellationToken.None));
        defaultSystem = new(() => Message(defaultSystemText.Value));
    }

    /// <summary>The JSON string that replaces the client's <c>model</c>, or null when the bundle names no model.</summary>
    public byte[]? ModelJson { get; }

    /// <summary>Per <see cref="EndpointKind"/> (indexed by it): the request field names (UTF-8) of the serving defaults it takes (<see cref="ServingDefaultNames"/>).</summary>
    public byte[][][] DefaultNamesByKind { get; }

    /// <summary>Per <see cref="EndpointKind"/>: for each of <see cref="DefaultNamesByKind"/>, the other field name that sets the same (<see cref="ServingDefaultNames.Alias"/>), or null.</summary>
    public byte[]?[][] DefaultAliasesByKind { get; }

    /// <summary>Per <see cref="EndpointKind"/>: each serving default it takes as <c>"name":value</c>, in the order of <see cref="DefaultNamesByKind"/>.</summary>
    public byte[][][] DefaultPropertiesByKind { get; }

    /// <summary>The upstream URL of each <see cref="EndpointKind"/> (indexed by it) when the request has no query string.</summary>
    public Uri[] Targets { get; }

    /// <summary>The endpoint's scheme://host:port: the key of its pooled connections (<c>UpstreamClients</c>).</summary>
    public string DestinationPrefix { get; }

    /// <summary>Whether the rendered system prompt depends only on the variables (so it can be cached).</summary>
    public bool SystemIsConstant { get; }

    /// <summary>
    /// Prepares <paramref name="bundle"/>; <paramref name="systemSource"/> is the <c>prompt.system</c> text, if any, rendered
    /// by <paramref name="renderer"/> within the gateway's template limits.
    /// </summary>
    public static BundleRewrite For(ServingBundle bundle, string? systemSource, TemplateRenderer renderer)
        => new(bundle, systemSource is null || !ReadsClock(systemSource), renderer);

    /// <summary>
    /// The system message object for a request with <paramref name="variables"/> of its own (none: the cached one), or the
    /// error to answer with; throws <see cref="OperationCanceledException"/> when the client has gone.
    /// </summary>
    public (byte[]? Message, ApplyError? Error) RenderSystemMessage(ServingBundle bundle, IReadOnlyDictionary<string, JsonNode?> variables, CancellationToken cancellationToken)
        => variables.Count == 0 && SystemIsConstant ? defaultSystem.Value : Message(RenderSystemText(bundle, variables, cancellationToken));

    /// <summary>
    /// The rendered system prompt for a request with <paramref name="variables"/> of its own (none: the cached one), or the
    /// error to answer with; the Responses API's <c>instructions</c>.
    /// </summary>
    public (string? Text, ApplyError? Error) RenderSystemTextCached(ServingBundle bundle, IReadOnlyDictionary<string, JsonNode?> variables, CancellationToken cancellationToken)
        => variables.Count == 0 && SystemIsConstant ? defaultSystemText.Value : RenderSystemText(bundle, variables, cancellationToken);

    /// <summary>The rendered system prompt for a request with <paramref name="variables"/>, or the error to answer with.</summary>
    public (string? Text, ApplyError? Error) RenderSystemText(ServingBundle bundle, IReadOnlyDictionary<string, JsonNode?> variables, CancellationToken cancellationToken)
        => renderer.Render(bundle, variables, timed: true, cancellationToken);

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

    private static (byte[]?, ApplyError?) Message((string? Text, ApplyError? Error) rendered)
        => rendered.Text is { } text ? (SystemMessage(text), null) : (null, rendered.Error);

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
