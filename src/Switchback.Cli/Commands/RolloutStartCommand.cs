using System.CommandLine;
using Switchback.Cli.Client;
using Switchback.Cli.Registration;
using Switchback.Core.Manifests;

namespace Switchback.Cli.Commands;

/// <summary><c>switchback rollout start DEPLOYMENT --to V [-f rollout.yaml]</c>.</summary>
internal static class RolloutStartCommand
{
    internal static Command Create()
    {
        var deployment = new Argument<string>("DEPLOYMENT") { Description = "The deployment" };
        var to = new Option<int?>("--to") { Description = "The candidate version (may also come from the manifest's 'candidate')" };
        var file = new Option<string?>("--file", "-f") { Description = "Rollout manifest (kind: Rollout); default: the default canary plan with an error_rate guardrail" };
        var command = new Command("start", "Start a rollout of a candidate version") { deployment, to, file };
        var client = ClientOptions.AddTo(command);
        ClientCommand.SetAction(command, client, async (parse, context, ct) =>
        {
            var name = parse.GetValue(deployment)!;
            if (!Arguments.TryName(name, "deployment", context.Err))
            {
                return ExitCodes.Usage;
            }

            var version = parse.GetValue(to);
            if (version is < 1)
            {
                await context.Err.WriteLineAsync("error: --to must be a version number (1 or more)");
                return ExitCodes.Usage;
            }

            RolloutManifest? manifest = null;
            string? gateDataset = null;
            var path = parse.GetValue(file);
            if (path is not null)
            {
                var read = ManifestReader.ReadFile(path);
                foreach (var error in read.Errors)
                {
                    await context.Err.WriteLineAsync($"error: {error}");
                }

                if (!read.IsValid)
                {
                    return ExitCodes.Error;
                }

                if (read.Documents is not [RolloutManifest single] || single.Deployment != name)
                {
                    await context.Err.WriteLineAsync($"error: {path} must hold exactly one kind: Rollout document for deployment '{name}'");
                    return ExitCodes.Error;
                }

                if (!await RolloutSender.CheckAsync(context, single, path))
                {
                    return ExitCodes.Error;
                }

                manifest = single;
                var (datasetOk, datasetText) = await RolloutSender.ReadGateDatasetAsync(context, single, path, ct);
                if (!datasetOk)
                {
                    await context.Err.WriteLineAsync($"error: the gate dataset of {path} is not valid; nothing was sent");
                    return ExitCodes.Error;
                }

                gateDataset = datasetText;
            }
            else if (version is null)
            {
                await context.Err.WriteLineAsync("error: give the candidate with --to V (or a manifest naming it with -f)");
                return ExitCodes.Usage;
            }

            var (exit, _) = await RolloutSender.StartAsync(context, manifest, null, version is { } v ? (name, v) : null, idempotent: false, ct, gateDataset);
            return exit;
        });
        return command;
    }
}
