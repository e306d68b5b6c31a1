using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchback.Gateway.Application;
using Switchback.Gateway.Bundles;
using Switchback.Gateway.Forwarding;
using Switchback.Gateway.Signals;
using Switchback.Storage;

// Per-request cost of each gateway stage, in-process and single-threaded: mean time and bytes allocated per call,
// measured with Stopwatch and GC.GetAllocatedBytesForCurrentThread after a warm-up. Usage: dotnet run -c Release
// [-- iterations]. The body and bundle are bench/gateway's (request.json and the bundle lib/switchback.sh registers).
var iterations = args.Length > 0 && int.TryParse(args[0], out var n) && n > 0 ? n : 200_000;
var here = AppContext.BaseDirectory;
var requestPath = Path.Combine(here, "request.json");
var raw = File.ReadAllBytes(requestPath).AsSpan().TrimEnd("\n\r "u8).ToArray();
var completion = File.ReadAllBytes(Path.Combine(here, "completion.json"));
var bundleJson = """
{"kind":"Bundle","deployment":"bench-bot","version":1,
 "model":{"provider":"openai","endpoint":"http://127.0.0.1:9/v1","name":"bench-upstream"},
 "prompt":{"engine":"liquid","system":"You are the support assistant of {{ company }} (bundle 1). Answer in {{ tone }} tone.",
           "variables":{"company":"Acme","tone":"friendly"}},
 "serving":{"temperature":0.2,"max_tokens":64,"timeout_ms":20000},"labels":{"purpose":"bench"}}
""";
var renderer = new Switchback.Gateway.Templates.TemplateRenderer(Microsoft.Extensions.Options.Options.Create(new Switchback.Gateway.Hosting.GatewayOptions()), TimeProvider.System);
var bundle = new BundleReader(Switchback.Core.Access.UpstreamKeyPolicy.Default, renderer).Read(new StoredBundle("bench-bot", 1, "sha256:bench", bundleJson, DateTimeOffset.UnixEpoch, "bench", false));
var noVariables = new Dictionary<string, JsonNode?>();
var time = TimeProvider.System;
var signals = new SignalRegistry(time, new SignalOptions { CounterNames = ["circuit_open", "shadow_requests"] });
var journal = new RequestJournal(time);
long sink = 0;

Console.WriteLine($"{iterations:N0} iterations, request {raw.Length} B, completion {completion.Length} B");
Console.WriteLine($"{"stage",-58} {"ns/call",10} {"B/call",8}");
Measure("before: JsonNode.Parse + BundleApplier.Apply + serialise", () =>
{
    var body = JsonNode.Parse(raw)!.AsObject();
    var variables = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
    BundleApplier.TakeVariables(body, variables);
    BundleApplier.Apply(body, bundle, EndpointKind.Chat, variables, CancellationToken.None);
    sink += JsonSerializer.SerializeToUtf8Bytes(body).Length;
});
Measure("after: RequestBodyScanner.Scan + BodyRewriter.Rewrite", () =>
{
    RequestBodyScanner.Scan(raw, out var fields);
    BodyRewriter.TakeVariables(raw, fields, noVariables);
    BodyRewriter.Rewrite(raw, fields, bundle, EndpointKind.Chat, noVariables, CancellationToken.None, out var body);
    sink += body.Length;
});
Measure("after, with a request variable (rendered per request)", () =>
{
    RequestBodyScanner.Scan(raw, out var fields);
    var variables = new Dictionary<string, JsonNode?>(StringComparer.Ordinal) { ["tone"] = "formal" };
    BodyRewriter.Rewrite(raw, fields, bundle, EndpointKind.Chat, variables, CancellationToken.None, out var body);
    sink += body.Length;
});
Measure("before: request id (req_ + Guid N)", () => sink += ("req_" + Guid.NewGuid().ToString("N")).Length);
Measure("after: request id (RequestJournal.NextRequestId)", () => sink += journal.NextRequestId().Length);
var ids = Enumerable.Range(0, 1024).Select(i => "req_" + i.ToString("x32", null)).ToArray();
var next = 0;
Measure("journal: Record of an id it did not issue (dictionary)", () => { journal.Record(ids[next++ & 1023], "bench-bot", 1, RequestOutcome.Ok); sink++; });
Measure("journal: NextRequestId + Record (ring)", () => { journal.Record(journal.NextRequestId(), "bench-bot", 1, RequestOutcome.Ok); sink++; });
var retained = GC.GetTotalMemory(forceFullCollection: true);
var big = new RequestJournal(time);
for (var i = 0; i < 1_000_000; i++)
{
    big.Record(big.NextRequestId(), "bench-bot", 1, RequestOutcome.Ok);
}

Console.WriteLine($"{"journal: heap retained by 1,000,000 issued entries",-58} {(GC.GetTotalMemory(forceFullCollection: true) - retained) / 1048576.0,10:N1} MB");
var dictionary = new RequestJournal(time);
retained = GC.GetTotalMemory(forceFullCollection: true);
for (var i = 0; i < 1_000_000; i++)
{
    dictionary.Record("req_" + Guid.NewGuid().ToString("N"), "bench-bot", 1, RequestOutcome.Ok);
}

Console.WriteLine($"{"journal: heap retained by 1,000,000 other ids (as before)",-58} {(GC.GetTotalMemory(forceFullCollection: true) - retained) / 1048576.0,10:N1} MB");
GC.KeepAlive(big);
GC.KeepAlive(dictionary);
Measure("signals: SignalRegistry.Get + VersionSignals.Record", () => signals.Get("bench-bot", 1).Record(new RequestSample(3.2, RequestOutcome.Ok, 12, 30, null)));
Measure("before: usage by JsonDocument parse of the completion", () =>
{
    using var document = JsonDocument.Parse(completion);
    sink += document.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt64();
});
Measure("after: usage by UpstreamForwarder's reader pass", () => sink += UpstreamForwarder.ReadUsage(completion).Out);
Console.WriteLine($"(checksum {sink})");

void Measure(string name, Action stage)
{
    for (var i = 0; i < Math.Min(iterations, 50_000); i++)
    {
        stage();
    }

    var allocated = GC.GetAllocatedBytesForCurrentThread();
    var watch = Stopwatch.StartNew();
    for (var i = 0; i < iterations; i++)
    {
        stage();
    }

    watch.Stop();
    var bytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)iterations;
    Console.WriteLine($"{name,-58} {watch.Elapsed.TotalNanoseconds / iterations,10:N0} {bytes,8:N0}");
}
