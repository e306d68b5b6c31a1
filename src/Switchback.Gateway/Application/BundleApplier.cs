using System.Text.Json.Nodes;
using Switchback.Gateway.Bundles;

namespace Switchback.Gateway.Application;

/// <summary>
/// Applies a bundle to an OpenAI-shaped request body, in place: renders <c>prompt.system</c> and puts it first in
/// <c>messages</c> (before any system message of the client's) or, for the Responses API, first in <c>instructions</c>
/// (a blank line, then the client's own), fills the serving defaults the client did not set and
/// rewrites <c>model</c>. Request variables come from <c>x-switchback-var-NAME</c> headers and the body field
/// <c>"switchback": {"variables": {...}}</c> (which wins, and which is removed before forwarding). Stateless and thread-safe.
/// </summary>
internal static class BundleApplier
{
    /// <summary>The body field that carries gateway-only options; never forwarded.</summary>
    public const string OptionsField = "switchback";

    /// <summary>Removes <see cref="OptionsField"/> and returns its variables, or an error when it is malformed.</summary>
    public static ApplyError? TakeVariables(JsonObject body, IDictionary<string, JsonNode?> into)
    {
        if (!body.Remove(OptionsField, out var options) || options is null)
        {
            return null;
        }

        if (options is not JsonObject o || (o["variables"] is { } v && v is not JsonObject))
        {
            return BadRequest("invalid_switchback_options", "'switchback' must be an object with an optional 'variables' object");
        }

        if (o["variables"] is JsonObject vars)
        {
            foreach (var (name, value) in vars)
            {
                into[name] = value?.DeepClone();
            }
        }

        return null;
    }

    /// <summary>
    /// Applies <paramref name="bundle"/> to <paramref name="body"/>; <paramref name="variables"/> are the request's own. Throws
    /// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires while the prompt renders.
    /// </summary>
    public static ApplyError? Apply(JsonObject body, ServingBundle bundle, EndpointKind kind, IReadOnlyDictionary<string, JsonNode?> variables, CancellationToken cancellationToken)
    {
        if (kind is EndpointKind.Chat or EndpointKind.Responses && (bundle.SystemTemplate is not null || bundle.TemplateError is not null))
        {
            if (bundle.TemplateError is { } parseError)
            {
                return new ApplyError(500, "server_error", "bundle_template_invalid", $"the prompt.system template of {bundle.Deployment}@{bundle.Version} does not parse: {parseError}");
            }

            JsonArray? messages = null;
            if (kind == EndpointKind.Chat && (messages = body["messages"] as JsonArray) is null)
            {
                return BadRequest("invalid_messages", "'messages' must be an array");
            }

            string? client = null;
            if (kind == EndpointKind.Responses && body["instructions"] is { } given
                && (given is not JsonValue v || v.GetValueKind() != System.Text.Json.JsonValueKind.String || (client = v.GetValue<string>()) is null))
            {
                return BadRequest("invalid_instructions", "'instructions' must be a string");
            }

            var (system, renderError) = bundle.Rewrite.RenderSystemText(bundle, variables, cancellationToken);
            if (renderError is not null)
            {
                return renderError;
            }

            if (messages is not null)
            {
                messages.Insert(0, new JsonObject { ["role"] = "system", ["content"] = system });
            }
            else
            {
                body["instructions"] = string.IsNullOrEmpty(client) ? system : system + "\n\n" + client;
            }
        }

        foreach (var (field, value) in bundle.ServingDefaults)
        {
            if (ServingDefaultNames.For(kind, field) is { } requestField && !body.ContainsKey(requestField)
                && (ServingDefaultNames.Alias(kind, requestField) is not { } alias || !body.ContainsKey(alias)))
            {
                body[requestField] = value.DeepClone();
            }
        }

        if (bundle.ModelName is { } name)
        {
            body["model"] = name;
        }

        return null;
    }

    private static ApplyError BadRequest(string code, string message) => new(400, "invalid_request_error", code, message);
}
