using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Switchback.Cli.Client;

/// <summary>What a client verb works with: the client, the settings, and where to print.</summary>
internal sealed class CliContext(ClientSettings settings, AdminClient client, TextWriter output, TextWriter error, IAnsiConsole tables)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public ClientSettings Settings { get; } = settings;

    public AdminClient Client { get; } = client;

    public TextWriter Out { get; } = output;

    public TextWriter Err { get; } = error;

    public IAnsiConsole Tables { get; } = tables;

    public bool Json => Settings.Json;

    /// <summary>Prints a JSON node indented on stdout.</summary>
    public void WriteJson(JsonNode? node) => Out.WriteLine(node?.ToJsonString(Indented) ?? "null");

    /// <summary>
    /// Reports a failed call: the server's message on stderr (and its JSON body on stdout with --output json);
    /// returns 3 for an immutability conflict, 1 otherwise.
    /// </summary>
    public int Fail(ApiResponse response)
    {
        if (Json)
        {
            WriteJson(response.Body);
        }

        var hint = response.Status == 401 && Settings.ApiKey is null ? " (pass --api-key or set SWITCHBACK_API_KEY)" : string.Empty;
        Err.WriteLine($"error: {response.ErrorMessage}{hint}");
        return response.ErrorCode == "version_conflict" ? ExitCodes.Conflict : ExitCodes.Error;
    }
}
