using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using Switchback.Cli.Demo;

namespace Switchback.Cli.Commands;

/// <summary><c>switchback demo [--scenario NAME] [--seed N] [--keep] [--output text|json]</c>: the whole story on embedded defaults.</summary>
internal static class DemoCommand
{
    internal static Command Create()
    {
        var names = DemoScenarios.All.Select(s => s.Name).ToArray();
        var scenario = new Option<string>("--scenario")
        {
            Description = "The story: " + string.Join("; ", DemoScenarios.All.Select(s => $"{s.Name}: {s.Description}")),
            DefaultValueFactory = _ => names[0],
        };
        scenario.AcceptOnlyFromAmong(names);
        var seed = new Option<int>("--seed") { Description = "Seed of the simulated model servers and the traffic", DefaultValueFactory = _ => 1 };
        var keep = new Option<bool>("--keep") { Description = "Keep the temp folder with the SQLite store afterwards" };
        var output = new Option<string>("--output") { Description = "text, or json: a machine-readable summary on stdout (the story goes to stderr)", DefaultValueFactory = _ => "text" };
        output.AcceptOnlyFromAmong("text", "json");
        var command = new Command("demo", "The whole story end to end on embedded defaults: canary, automatic rollback, promotion") { scenario, seed, keep, output };
        command.SetAction(async (parse, ct) =>
        {
            var json = parse.GetValue(output) == "json";
            var redirected = json ? Console.IsErrorRedirected : Console.IsOutputRedirected;
            var console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(json ? Console.Error : Console.Out),
                Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
                Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
            });
            if (redirected)
            {
                // A log file or a pipe: lines are not wrapped at a guessed terminal width.
                console.Profile.Width = 240;
            }

            var settings = new DemoSettings(parse.GetValue(scenario)!, parse.GetValue(seed), parse.GetValue(keep), Live: !redirected, console, TimeProvider.System);
            var (exit, summary) = await DemoRunner.RunAsync(DemoScenarios.Find(settings.Scenario)!, settings, ct);
            if (json)
            {
                await Console.Out.WriteLineAsync(summary.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            }

            return exit;
        });
        return command;
    }
}
