using System.CommandLine;
using Spectre.Console;

namespace Switchback.Cli.Client;

/// <summary>Runs a client verb: builds its context, and turns an unreachable server or bad settings into a clear exit code.</summary>
internal static class ClientCommand
{
    public static void SetAction(Command command, ClientOptions options, Func<ParseResult, CliContext, CancellationToken, Task<int>> action)
        => command.SetAction((parse, ct) => RunAsync(parse, options, action, ct));

    private static async Task<int> RunAsync(ParseResult parse, ClientOptions options, Func<ParseResult, CliContext, CancellationToken, Task<int>> action, CancellationToken ct)
    {
        var settings = options.Resolve(parse);
        AdminClient client;
        try
        {
            client = new AdminClient(settings);
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync($"switchback: {ex.Message}");
            return ExitCodes.Usage;
        }

        using (client)
        {
            var context = new CliContext(settings, client, Console.Out, Console.Error, CreateConsole());
            try
            {
                return await action(parse, context, ct);
            }
            catch (ServerUnreachableException ex)
            {
                await Console.Error.WriteLineAsync($"error: {ex.Message}. Is 'switchback serve' running there? (set --server or SWITCHBACK_URL)");
                return ExitCodes.Error;
            }
        }
    }

    private static IAnsiConsole CreateConsole()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        if (Console.IsOutputRedirected)
        {
            // Redirected output has no terminal width; keep table rows on one line for scripts and logs.
            console.Profile.Width = 200;
        }

        return console;
    }
}
