using System.CommandLine;

namespace Switchback.Cli.Client;

/// <summary>The options every client verb takes: <c>--server</c>, <c>--api-key</c>, <c>--output</c>.</summary>
internal sealed class ClientOptions
{
    public const string DefaultServer = "http://127.0.0.1:8800";

    private readonly Option<string?> server = new("--server")
    {
        Description = $"Switchback server URL [env SWITCHBACK_URL, default {DefaultServer}]",
    };

    // No DefaultValueFactory: help would print the key taken from the environment.
    private readonly Option<string?> apiKey = new("--api-key")
    {
        Description = "API key [env SWITCHBACK_API_KEY]",
    };

    private readonly Option<string> output = new("--output", "-o")
    {
        Description = "Output format",
        DefaultValueFactory = _ => "text",
    };

    private ClientOptions()
    {
        output.AcceptOnlyFromAmong("text", "json");
    }

    /// <summary>Adds the client options to <paramref name="command"/>.</summary>
    public static ClientOptions AddTo(Command command)
    {
        var options = new ClientOptions();
        command.Options.Add(options.server);
        command.Options.Add(options.apiKey);
        command.Options.Add(options.output);
        return options;
    }

    /// <summary>The settings for this invocation: flags first, then the environment, then defaults.</summary>
    public ClientSettings Resolve(ParseResult parse)
    {
        var url = parse.GetValue(server) ?? Environment.GetEnvironmentVariable("SWITCHBACK_URL");
        if (string.IsNullOrWhiteSpace(url))
        {
            url = DefaultServer;
        }

        var key = parse.GetValue(apiKey) ?? Environment.GetEnvironmentVariable("SWITCHBACK_API_KEY");
        return new ClientSettings(url.TrimEnd('/'), string.IsNullOrWhiteSpace(key) ? null : key.Trim(), parse.GetValue(output) == "json");
    }
}
