using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;
using Switchback.Cli.Client;

namespace Switchback.Cli.Commands;

/// <summary>
/// <c>switchback eval run DEPLOYMENT@V --dataset FILE [--concurrency N]</c>: the server runs the dataset through its gateway
/// pinned to the version and stores the report; the CLI streams progress, then prints per-case results and the aggregate.
/// Exit 0 when the run completed, 1 when it could not run or any case's call failed.
/// </summary>
internal static class EvalRunCommand
{
    internal static Command Create()
    {
        var version = new Argument<string>("DEPLOYMENT@VERSION") { Description = "The version to evaluate, e.g. support-bot@7" };
        var dataset = new Option<string>("--dataset") { Description = "The golden dataset (JSONL, see docs/evals.md)", Required = true };
        var concurrency = new Option<int>("--concurrency") { Description = "Cases in flight at once (1-64)", DefaultValueFactory = _ => 4 };
        var command = new Command("run", "Run a golden dataset against a version and store the report") { version, dataset, concurrency };
        var client = ClientOptions.AddTo(command);
        ClientCommand.SetAction(command, client, async (parse, context, ct) =>
        {
            if (!Arguments.TryVersion(parse.GetValue(version), context.Err, out var reference))
            {
                return ExitCodes.Usage;
            }

            var workers = parse.GetValue(concurrency);
            if (workers is < 1 or > 64)
            {
                await context.Err.WriteLineAsync("error: --concurrency must be from 1 to 64");
                return ExitCodes.Usage;
            }

            var text = await EvalDatasetFile.ReadAsync(parse.GetValue(dataset)!, context.Err, ct);
            if (text is null)
            {
                return ExitCodes.Error;
            }

            var body = new JsonObject { ["dataset"] = text, ["concurrency"] = workers };
            var path = $"deployments/{Arguments.Path(reference.Deployment)}/versions/{reference.Version}/evals?stream=true";
            var (response, report) = context.Json ? await RunQuietAsync(context, path, body, ct) : await RunWithProgressAsync(context, path, body, ct);
            if (!response.IsSuccess)
            {
                return context.Fail(response);
            }

            if (report is null)
            {
                await context.Err.WriteLineAsync("error: the server ended the run without a report (see its log)");
                return ExitCodes.Error;
            }

            if (context.Json)
            {
                context.WriteJson(report);
            }
            else
            {
                await PrintAsync(context, report);
            }

            return report["summary"]?["errors"]?.GetValue<int>() > 0 ? ExitCodes.Error : ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<(ApiResponse Response, JsonNode? Report)> RunQuietAsync(CliContext context, string path, JsonObject body, CancellationToken ct)
    {
        JsonNode? report = null;
        var response = await context.Client.PostLinesAsync(path, body, line =>
        {
            if (line["event"]?.GetValue<string>() == "report")
            {
                report = line["report"];
            }

            return Task.CompletedTask;
        }, ct);
        return (response, report);
    }

    private static async Task<(ApiResponse Response, JsonNode? Report)> RunWithProgressAsync(CliContext context, string path, JsonObject body, CancellationToken ct)
    {
        (ApiResponse, JsonNode?) result = default;
        await context.Tables.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask("evaluating", maxValue: 1);
                JsonNode? report = null;
                var response = await context.Client.PostLinesAsync(path, body, line =>
                {
                    switch (line["event"]?.GetValue<string>())
                    {
                        case "progress":
                            task.MaxValue = line["total"]?.GetValue<int>() ?? 1;
                            task.Value = line["done"]?.GetValue<int>() ?? 0;
                            break;
                        case "report":
                            report = line["report"];
                            task.Value = task.MaxValue;
                            break;
                    }

                    return Task.CompletedTask;
                }, ct);
                result = (response, report);
            });
        return result;
    }

    private static async Task PrintAsync(CliContext context, JsonNode view)
    {
        var summary = view["summary"]!;
        var report = view["report"]!;
        var table = new Table().AddColumns("CASE", "SCORER", "SCORE", "PASS", "MS", "REASON", "ANSWER");
        foreach (var c in report["cases"]?.AsArray() ?? [])
        {
            table.AddRow(
                Markup.Escape(Formats.Text(c?["id"])),
                Markup.Escape(Formats.Text(c?["scorer"])),
                Number(c?["score"]),
                c?["passed"]?.GetValue<bool>() == true ? "yes" : "[red]no[/]",
                Number(c?["latency_ms"], "0"),
                Markup.Escape(Short(Formats.Text(c?["reason"]), 60)),
                Markup.Escape(Short(Formats.Text(c?["answer"]), 40)));
        }

        context.Tables.Write(table);
        var aggregate = report["aggregate"]!;
        await context.Out.WriteLineAsync(
            $"{Formats.Text(summary["deployment"])}@{summary["version"]}: mean score {Number(aggregate["mean_score"])}, pass rate {Number(aggregate["pass_rate"])} " +
            $"({aggregate["count"]} cases, {aggregate["errors"]} errors)");
        foreach (var (scorer, agg) in report["by_scorer"]?.AsObject() ?? [])
        {
            await context.Out.WriteLineAsync($"  {scorer}: mean {Number(agg?["mean_score"])}, pass rate {Number(agg?["pass_rate"])}, {agg?["count"]} cases");
        }

        await context.Out.WriteLineAsync($"dataset {Formats.Text(summary["dataset_digest"])}, bundle {Formats.Text(summary["bundle_digest"])}");
        await context.Out.WriteLineAsync($"stored as eval report {summary["id"]}");
    }

    private static string Number(JsonNode? node, string format = "0.###")
        => node is JsonValue v && v.TryGetValue<double>(out var d) ? d.ToString(format, CultureInfo.InvariantCulture) : "-";

    private static string Short(string text, int max)
    {
        var flat = text.ReplaceLineEndings(" ");
        return flat.Length <= max ? flat : flat[..max] + "…";
    }
}
