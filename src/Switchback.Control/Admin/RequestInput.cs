using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Switchback.Core.Bundles;

namespace Switchback.Control.Admin;

/// <summary>Reads and checks request input; every failure becomes a 400 with a message that says what was expected.</summary>
internal static class RequestInput
{
    /// <summary>The most characters of a client's input an error message repeats.</summary>
    public const int MaxEcho = 128;

    /// <summary><paramref name="input"/> as an error may repeat it: cut to <see cref="MaxEcho"/> characters, marked when cut.</summary>
    public static string Echo(string? input)
        => input is null ? string.Empty : input.Length <= MaxEcho ? input : string.Concat(input.AsSpan(0, MaxEcho), $"… ({input.Length} characters)");

    /// <summary>Reads the body as a JSON object; an empty body is an empty object when <paramref name="optional"/>.</summary>
    public static async Task<(JsonObject? Body, IResult? Error)> ReadObjectAsync(HttpRequest request, bool optional = false)
    {
        var text = await ReadTextAsync(request);
        if (string.IsNullOrWhiteSpace(text))
        {
            return optional ? (new JsonObject(), null) : (null, ApiError.BadRequest("missing_body", "The request body is empty: send a JSON object."));
        }

        try
        {
            return JsonNode.Parse(text) is JsonObject obj
                ? (obj, null)
                : (null, ApiError.BadRequest("invalid_json", "The request body must be a JSON object."));
        }
        catch (JsonException ex)
        {
            return (null, ApiError.BadRequest("invalid_json", $"The request body is not valid JSON: {ex.Message}"));
        }
    }

    /// <summary>Reads the whole body as UTF-8 text (Kestrel enforces the size limit while reading).</summary>
    public static async Task<string> ReadTextAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        return await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
    }

    /// <summary>A required or optional string field.</summary>
    public static bool TryGetString(JsonObject body, string field, bool required, out string? value, out IResult? error)
    {
        value = null;
        error = null;
        if (!body.TryGetPropertyValue(field, out var node) || node is null)
        {
            if (required)
            {
                error = ApiError.BadRequest("missing_field", $"The field '{field}' is required.");
                return false;
            }

            return true;
        }

        if (node.GetValueKind() != JsonValueKind.String)
        {
            error = ApiError.BadRequest("invalid_field", $"The field '{field}' must be a string.");
            return false;
        }

        value = node.GetValue<string>();
        if (required && string.IsNullOrWhiteSpace(value))
        {
            error = ApiError.BadRequest("missing_field", $"The field '{field}' must not be empty.");
            return false;
        }

        return true;
    }

    /// <summary>A required positive whole number, as a JSON number or a string of digits.</summary>
    public static bool TryGetVersion(JsonObject body, string field, out int version, out IResult? error)
    {
        version = 0;
        error = null;
        if (!body.TryGetPropertyValue(field, out var node) || node is null)
        {
            error = ApiError.BadRequest("missing_field", $"The field '{field}' is required.");
            return false;
        }

        var text = node.GetValueKind() switch
        {
            JsonValueKind.Number or JsonValueKind.String => node.ToString(),
            _ => null,
        };
        if (text is null || !TryParseVersion(text, out version))
        {
            error = ApiError.BadRequest("invalid_version", $"The field '{field}' must be a version number (a whole number from 1).");
            return false;
        }

        return true;
    }

    /// <summary>A version number from a route or query value.</summary>
    public static bool TryParseVersion(string? text, out int version)
        => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out version) && version >= 1;

    /// <summary>Checks a deployment or alias name from the route.</summary>
    public static IResult? CheckName(string name, string what)
        => DeploymentName.IsValid(name, out var problem) ? null : ApiError.BadRequest("invalid_name", $"Invalid {what} name: {problem}.");

    /// <summary>Checks a deployment name and version number from the route.</summary>
    public static IResult? CheckVersion(string deployment, string version, out VersionRef reference)
    {
        reference = default;
        if (CheckName(deployment, "deployment") is { } error)
        {
            return error;
        }

        if (!TryParseVersion(version, out var number))
        {
            return ApiError.BadRequest("invalid_version", $"'{version}' is not a version number (a whole number from 1).");
        }

        reference = new VersionRef(deployment, number);
        return null;
    }
}
