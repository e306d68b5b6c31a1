using System.Text.Json.Nodes;
using Switchback.Cli.Client;
using Switchback.Core.Manifests;
using Switchback.Core.Rollouts;

namespace Switchback.Cli.Registration;

/// <summary>Validates a <c>kind: Rollout</c> document locally and starts it on the server.</summary>
internal static class RolloutSender
{
    /// <summary>Validates the plan; prints every error and returns false when it is not valid.</summary>
    public static async Task<bool> CheckAsync(CliContext context, RolloutManifest manifest, string path)
    {
        var parsed = RolloutSpec.Parse(manifest, path);
        foreach (var error in parsed.Errors)
        {
            await context.Err.WriteLineAsync($"error: {error}");
        }

        if (!parsed.IsValid)
        {
            await context.Err.WriteLineAsync($"error: {path} is not valid; nothing was sent");
        }

        return parsed.IsValid;
    }

    /// <summary>
    /// Reads the gate's dataset (<c>gate.dataset</c>, relative to the manifest's folder) and validates it locally, so it can be
    /// sent with the manifest. Ok with a null text when the plan has no gate; not ok after printing every problem.
    /// </summary>
    public static async Task<(bool Ok, string? Text)> ReadGateDatasetAsync(CliContext context, RolloutManifest manifest, string manifestPath, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (manifest.Spec["gate"]?["dataset"]?.GetValue<string>() is not { } dataset)
        {
            return (true, null);
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(manifestPath)) ?? ".";
        var text = await Commands.EvalDatasetFile.ReadAsync(Path.Combine(folder, dataset), context.Err, ct);
        return (text is not null, text);
    }

    /// <summary>
    /// Starts the rollout (candidate from the manifest or <paramref name="candidate"/>) and prints one line. With
    /// <paramref name="idempotent"/>, an active rollout of the same candidate is "unchanged" rather than a conflict.
    /// </summary>
    public static async Task<(int Exit, JsonNode? Body)> StartAsync(CliContext context, RolloutManifest? manifest, string? path, (string Deployment, int Version)? candidate, bool idempotent, CancellationToken ct, string? gateDataset = null)
    {
        var deployment = manifest?.Deployment ?? candidate!.Value.Deployment;
        JsonNode body = new JsonObject();
        if (manifest is not null)
        {
            var spec = (JsonObject)manifest.Spec.DeepClone();
            spec["kind"] = "Rollout";
            if (gateDataset is not null)
            {
                // Not a manifest field: the server takes it out before reading the manifest (docs/api.md).
                spec["gate_dataset"] = gateDataset;
            }

            body = spec;
        }

        var query = new List<string>();
        if (candidate is { } c)
        {
            query.Add("candidate=" + c.Version);
        }

        if (path is not null)
        {
            query.Add("source=" + Uri.EscapeDataString(Path.GetFileName(path)));
        }

        var url = $"deployments/{Arguments.Path(deployment)}/rollouts" + (query.Count > 0 ? "?" + string.Join("&", query) : string.Empty);
        var response = await context.Client.PostAsync(url, body, ct);
        if (response.IsSuccess)
        {
            if (!context.Json || path is null)
            {
                await WriteAsync(context, response.Body, path is null);
            }

            return (ExitCodes.Ok, response.Body);
        }

        int? planned = int.TryParse(manifest?.Spec["candidate"]?.ToJsonString(), out var p) ? p : null;
        if (idempotent && response.ErrorCode == "rollout_active" && response.Body?["active"]?["candidate"]?.GetValue<int>() is { } active && active == planned)
        {
            await context.Out.WriteLineAsync($"{deployment} rollout of {deployment}@{active} unchanged (already in progress: {response.Body!["active"]!["id"]})");
            return (ExitCodes.Ok, response.Body);
        }

        if (path is not null && context.Json)
        {
            await context.Err.WriteLineAsync($"error: {response.ErrorMessage}");
            return (ExitCodes.Error, response.Body);
        }

        return (context.Fail(response), response.Body);
    }

    private static async Task WriteAsync(CliContext context, JsonNode? rollout, bool allowJson)
    {
        if (context.Json && allowJson)
        {
            context.WriteJson(rollout);
            return;
        }

        var r = rollout!;
        await context.Out.WriteLineAsync(
            $"{r["deployment"]} rollout {r["id"]} started: {r["deployment"]}@{r["candidate"]} over {r["stable"]} ({r["phase"]}: {r["reason_text"]})");
    }
}
