using System.Diagnostics;
using Switchback.Bench.Fleet;

// Progress goes to stderr, so that with BENCH_DOC=- stdout carries the section alone.
static void Log(string line) => Console.Error.WriteLine("[bench] " + line);

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    Log("error: " + e.Message);
    return 2;
}

try
{
    var startedAt = TimeProvider.System.GetUtcNow();
    var clock = Stopwatch.StartNew();
    var loadBefore = MachineNote.LoadAverage();
    using var fleet = await FleetUnderTest.StartAsync(options, Log);
    string postgresVersion;
    await using (var monitor = await StoreMonitor.OpenAsync(options))
    {
        postgresVersion = await monitor.ServerVersionAsync();
    }

    var rollbacks = options.Runs("rollback") ? await new RollbackPhase(options, fleet, Log).RunAsync() : null;
    var detection = options.Runs("detection") ? await new DetectionPhase(options, fleet, Log).RunAsync() : null;
    var load = options.Runs("load") ? await new StoreLoadPhase(options, fleet, Log).RunAsync() : null;
    var facts = new RunFacts(startedAt, clock.Elapsed, MachineNote.Describe(postgresVersion, options.Commit), loadBefore, MachineNote.LoadAverage());
    var section = Report.Section(options, facts, rollbacks, detection, load);
    if (options.Doc == "-")
    {
        Console.Write(section);
    }
    else
    {
        Report.WriteInto(options.Doc, section);
        Log($"wrote the Fleet section of {options.Doc}");
    }

    return 0;
}
catch (Exception e) when (e is InvalidOperationException or TimeoutException or HttpRequestException or Npgsql.NpgsqlException or IOException)
{
    Log("failed: " + e.Message);
    Log($"each process logs to {options.Work}/*.log (run.sh keeps a copy in bench/fleet/.last-run)");
    return 1;
}
