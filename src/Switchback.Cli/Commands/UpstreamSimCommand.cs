using System.CommandLine;
using System.CommandLine.Parsing;
using System.Runtime.CompilerServices;
using Switchback.UpstreamSim;

// The command is tested next to the simulator it runs; the Cli project file belongs to another team.
[assembly: InternalsVisibleTo("Switchback.UpstreamSim.Tests")]

namespace Switchback.Cli.Commands;

/// <summary><c>switchback upstream-sim</c>: runs the OpenAI-compatible simulated model server until Ctrl-C/SIGTERM.</summary>
internal static class UpstreamSimCommand
{
    /// <summary>The command with its options, validators and action; parse errors name the flag and the allowed values.</summary>
    internal static Command Create()
    {
        var defaults = new UpstreamSimOptions();
        var listen = new Option<string>("--listen")
        {
            Description = "URL to listen on (IP or localhost; port 0 picks a free port)",
            DefaultValueFactory = _ => defaults.Listen,
        };
        var profile = new Option<SimProfile>("--profile")
        {
            Description = "Fault profile: " + string.Join("|", SimProfileNames.All),
            DefaultValueFactory = _ => SimProfile.Healthy,
            CustomParser = ParseProfile,
        };
        profile.CompletionSources.Add(SimProfileNames.All.ToArray());
        var downMode = new Option<DownMode>("--down-mode")
        {
            Description = "How the down profile fails: hang|refuse",
            DefaultValueFactory = _ => DownMode.Hang,
            CustomParser = ParseDownMode,
        };
        downMode.CompletionSources.Add("hang", "refuse");
        var seed = new Option<int>("--seed") { Description = "Seed of every random choice", DefaultValueFactory = _ => defaults.Seed };
        var errorRate = new Option<double?>("--error-rate") { Description = "Fraction of requests failing with 5xx or a reset (0..1)" };
        var resetShare = new Option<double?>("--reset-share") { Description = "Share of failures that are connection resets (0..1, default 0.1)" };
        var oomRate = new Option<double?>("--oom-rate") { Description = "Fraction answered 507 CUDA out of memory (0..1)" };
        var regressionRate = new Option<double?>("--regression-rate") { Description = "Fraction of silently bad 200 answers (0..1)" };
        var latency = new Option<double?>("--latency-ms") { Description = "Median latency in ms (0 = no delay)" };
        var latencyP99 = new Option<double?>("--latency-p99-ms") { Description = "p99 latency in ms (log-normal)" };
        var interToken = new Option<double?>("--inter-token-ms") { Description = "Delay between streamed chunks in ms" };
        var modelName = new Option<string>("--model-name") { Description = "Model id served", DefaultValueFactory = _ => defaults.ModelName };

        var command = new Command("upstream-sim", "Run an OpenAI-compatible simulated model server with fault profiles")
        {
            listen, profile, seed, errorRate, latency, latencyP99, interToken, oomRate, regressionRate, resetShare, downMode, modelName,
        };

        UpstreamSimOptions Build(Func<Option, object?> get) => new()
        {
            Listen = (string?)get(listen) ?? defaults.Listen,
            Profile = (SimProfile)get(profile)!,
            Seed = (int)get(seed)!,
            ErrorRate = (double?)get(errorRate),
            ResetShare = (double?)get(resetShare),
            OomRate = (double?)get(oomRate),
            RegressionRate = (double?)get(regressionRate),
            LatencyMs = (double?)get(latency),
            LatencyP99Ms = (double?)get(latencyP99),
            InterTokenLatencyMs = (double?)get(interToken),
            DownMode = (DownMode)get(downMode)!,
            ModelName = (string?)get(modelName) ?? defaults.ModelName,
        };

        command.Validators.Add(result =>
        {
            UpstreamSimOptions options;
            try
            {
                options = Build(o => GetValue(result, o));
            }
            catch (InvalidOperationException)
            {
                // An option that failed to parse has already reported its own error; cross-field rules need typed values.
                return;
            }

            foreach (var error in options.Validate())
            {
                result.AddError(error);
            }
        });

        command.SetAction(async (parseResult, ct) =>
        {
            var options = Build(o => GetValue(parseResult.CommandResult, o));
            UpstreamSimulator started;
            try
            {
                started = await UpstreamSimulator.StartAsync(options, TimeProvider.System, ct);
            }
            catch (IOException ex)
            {
                // Most often the port is taken: say so in one line rather than with a stack trace.
                await parseResult.InvocationConfiguration.Error.WriteLineAsync($"upstream-sim: cannot listen on {options.Listen}: {ex.Message}");
                return 1;
            }

            await using var sim = started;
            var output = parseResult.InvocationConfiguration.Output;
            await output.WriteLineAsync(
                $"upstream-sim ({SimProfileNames.ToName(options.Profile)}) listening on {sim.BaseAddress.GetLeftPart(UriPartial.Authority)}");
            await output.FlushAsync(ct);
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            }
            catch (OperationCanceledException)
            {
                // Ctrl-C or SIGTERM: the normal way to stop the simulator.
            }

            await sim.StopAsync(CancellationToken.None);
            return 0;
        });
        return command;
    }

    private static object? GetValue(SymbolResult result, Option option) => option switch
    {
        Option<string> o => result.GetValue(o),
        Option<SimProfile> o => result.GetValue(o),
        Option<DownMode> o => result.GetValue(o),
        Option<int> o => result.GetValue(o),
        Option<double?> o => result.GetValue(o),
        _ => throw new ArgumentOutOfRangeException(nameof(option), option.Name, "unsupported option type"),
    };

    private static SimProfile ParseProfile(ArgumentResult result)
    {
        var token = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (SimProfileNames.TryParse(token, out var profile))
        {
            return profile.Value;
        }

        result.AddError($"--profile must be one of {string.Join(", ", SimProfileNames.All)}; got '{token}'");
        return default;
    }

    private static DownMode ParseDownMode(ArgumentResult result)
    {
        var token = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (token is "hang" or "refuse")
        {
            return token == "hang" ? DownMode.Hang : DownMode.Refuse;
        }

        result.AddError($"--down-mode must be hang or refuse; got '{token}'");
        return default;
    }
}
