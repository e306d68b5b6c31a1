using System.Text.Json.Nodes;
using Spectre.Console;

namespace Switchback.Cli.Demo;

/// <summary>Sets up the environment, runs one scenario, always tears everything down, and returns the exit code.</summary>
internal static class DemoRunner
{
    public static async Task<(int Exit, JsonObject Summary)> RunAsync(IDemoScenario scenario, DemoSettings settings, CancellationToken ct)
    {
        var console = settings.Console;
        var started = settings.Time.GetTimestamp();
        var summary = new JsonObject { ["scenario"] = scenario.Name, ["seed"] = settings.Seed };
        try
        {
            await using var env = await DemoEnvironment.StartAsync(settings, ct);
            console.MarkupLine($"[grey]Switchback serving on {env.ServerUrl} (SQLite store in {Markup.Escape(env.Directory)}{(settings.Keep ? ", kept" : ", removed afterwards")})[/]");
            summary["server"] = env.ServerUrl.GetLeftPart(UriPartial.Authority);
            summary["directory"] = env.Directory;
            try
            {
                summary["facts"] = await scenario.RunAsync(env, settings, ct);
            }
            finally
            {
                summary["upstreams"] = new JsonArray([.. env.Simulators.Select(s => (JsonNode)s.BaseAddress.GetLeftPart(UriPartial.Authority))]);
            }

            summary["ok"] = true;
        }
        catch (DemoFailedException ex)
        {
            summary["ok"] = false;
            summary["error"] = ex.Message;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            summary["ok"] = false;
            summary["error"] = "interrupted";
        }

        var seconds = settings.Time.GetElapsedTime(started).TotalSeconds;
        summary["seconds"] = Math.Round(seconds, 1);
        if (summary["ok"]!.GetValue<bool>())
        {
            console.MarkupLine($"[green bold]Demo complete[/] in {seconds:0.0} s; everything it started has stopped.");
            return (ExitCodes.Ok, summary);
        }

        console.MarkupLine($"[red bold]Demo failed:[/] {Markup.Escape(summary["error"]!.GetValue<string>())}");
        return (ExitCodes.Error, summary);
    }
}
