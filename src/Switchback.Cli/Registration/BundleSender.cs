using System.Globalization;
using System.Text.Json.Nodes;
using Switchback.Cli.Client;
using Switchback.Core.Manifests;
using Switchback.Core.Monitors;

namespace Switchback.Cli.Registration;

/// <summary>
/// Reads a manifest file locally (so errors name the file, document and field, and nothing is sent when any document is wrong),
/// then registers each bundle, starts each rollout and applies each monitor in order, and prints one result line per document.
/// </summary>
internal static class BundleSender
{
    public static async Task<int> SendFileAsync(CliContext context, string path, CancellationToken ct)
    {
        if (!File.Exists(path))
        {
            await context.Err.WriteLineAsync($"error: file '{path}' not found");
            return ExitCodes.Error;
        }

        var read = ManifestReader.ReadFile(path);
        if (!read.IsValid)
        {
            foreach (var error in read.Errors)
            {
                await context.Err.WriteLineAsync($"error: {error}");
            }

            await context.Err.WriteLineAsync($"error: {path} is not valid; nothing was sent");
            return ExitCodes.Error;
        }

        if (read.Documents.Count == 0)
        {
            await context.Err.WriteLineAsync($"error: {path} has no documents; nothing was sent");
            return ExitCodes.Error;
        }

        // Rollout plans and their gate datasets are validated locally too, so a bad one stops the file before any bundle is registered.
        var gateDatasets = new Dictionary<RolloutManifest, string?>(ReferenceEqualityComparer.Instance);
        foreach (var rollout in read.Documents.OfType<RolloutManifest>())
        {
            if (!await RolloutSender.CheckAsync(context, rollout, path))
            {
                return ExitCodes.Error;
            }

            var (datasetOk, datasetText) = await RolloutSender.ReadGateDatasetAsync(context, rollout, path, ct);
            if (!datasetOk)
            {
                await context.Err.WriteLineAsync($"error: the gate dataset of {path} is not valid; nothing was sent");
                return ExitCodes.Error;
            }

            gateDatasets[rollout] = datasetText;
        }

        var results = new JsonArray();
        var exit = ExitCodes.Ok;
        foreach (var document in read.Documents)
        {
            if (document is RolloutManifest rollout)
            {
                var (rolloutExit, body) = await RolloutSender.StartAsync(context, rollout, path, null, idempotent: true, ct, gateDatasets[rollout]);
                results.Add(body?.DeepClone());
                exit = rolloutExit;
                if (exit != ExitCodes.Ok)
                {
                    break;
                }

                continue;
            }

            if (document is MonitorManifest monitor)
            {
                var applied = await context.Client.PutAsync($"deployments/{Arguments.Path(monitor.Spec.Deployment)}/monitor?source=" + Uri.EscapeDataString(Path.GetFileName(path)), monitor.Spec.ToJson(), ct);
                results.Add(applied.Body?.DeepClone());
                exit = applied.IsSuccess ? ExitCodes.Ok : context.Fail(applied);
                if (applied.IsSuccess && !context.Json)
                {
                    context.Out.WriteLine($"{monitor.Spec.Deployment} monitor {applied.Body?["status"]} ({string.Join(", ", monitor.Spec.Signals)}; a false alarm every {MonitorSpec.Format(monitor.Spec.FalseAlarmEvery)} on average)");
                }

                if (exit != ExitCodes.Ok)
                {
                    break;
                }

                continue;
            }

            var manifest = (BundleManifest)document;
            var response = await context.Client.PostAsync("versions?source=" + Uri.EscapeDataString(Path.GetFileName(path)), ToRequest(manifest), ct);
            results.Add(response.Body?.DeepClone());
            exit = Report(context, manifest, response);
            if (exit != ExitCodes.Ok)
            {
                break;
            }
        }

        if (context.Json)
        {
            context.WriteJson(new JsonObject { ["results"] = results });
        }

        return exit;
    }

    /// <summary>The request body: the canonical content plus kind, deployment and the requested version.</summary>
    private static JsonObject ToRequest(BundleManifest manifest)
    {
        var body = manifest.Bundle.ToJsonObject();
        body["kind"] = "Bundle";
        body["deployment"] = manifest.Bundle.Deployment;
        if (manifest.Bundle.RequestedVersion is { } version)
        {
            body["version"] = version;
        }

        return body;
    }

    private static int Report(CliContext context, BundleManifest manifest, ApiResponse response)
    {
        if (response.IsSuccess)
        {
            var target = $"{response.Body?["deployment"]}@{response.Body?["version"]}";
            var created = response.Body?["status"]?.GetValue<string>() == "created";
            if (!context.Json)
            {
                context.Out.WriteLine(created
                    ? $"{target} created ({response.Body?["digest"]})"
                    : $"{target} unchanged (the same content is already registered)");
            }

            return ExitCodes.Ok;
        }

        if (response.ErrorCode == "version_conflict" && response.Body?["conflict"] is JsonObject conflict)
        {
            var target = $"{conflict["deployment"]}@{conflict["version"]}";
            context.Err.WriteLine($"error: conflict: {target} is already registered with different content; versions are immutable.");
            context.Err.WriteLine($"  existing {conflict["existing_digest"]}, new {conflict["new_digest"]}; fields that differ (existing -> new):");
            foreach (var difference in conflict["differences"]?.AsArray() ?? [])
            {
                context.Err.WriteLine($"  {difference?["path"]}: {Show(difference?["before"])} -> {Show(difference?["after"])}");
            }

            context.Err.WriteLine("  Register the change under a new version, or omit 'version' to get the next number.");
            return ExitCodes.Conflict;
        }

        context.Err.WriteLine(string.Create(CultureInfo.InvariantCulture, $"error: document {manifest.Index} ({manifest.Bundle.Deployment}):"));
        return context.Fail(response);
    }

    /// <summary>A value as JSON, or "(absent)".</summary>
    public static string Show(JsonNode? value) => value is null ? "(absent)" : value.ToJsonString();
}
