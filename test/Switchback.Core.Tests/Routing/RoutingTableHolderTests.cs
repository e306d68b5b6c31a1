using Switchback.Core.Routing;

namespace Switchback.Core.Tests.Routing;

public sealed class RoutingTableHolderTests
{
    private static readonly string[] Deployments = ["a", "b", "c", "d", "e", "f", "g", "h"];

    private static RoutingTable TableAtGeneration(long generation)
        => new(Deployments.Select(d => new RoutingState(d, 1, 2, (int)(generation % 10_001), Generation: generation)));

    [Fact]
    public void Swap_NewTable_IsCurrentAndFiresPreviousChangeToken()
    {
        var holder = new RoutingTableHolder();
        var first = holder.GetCurrent(out var changed);
        var fired = 0;
        using var registration = changed.Register(() => fired++);
        var next = TableAtGeneration(1);

        holder.Swap(next);

        Assert.Same(RoutingTable.Empty, first);
        Assert.Same(next, holder.Current);
        Assert.Equal(1, fired);
        Assert.True(changed.IsCancellationRequested);
        Assert.False(holder.ChangeToken.IsCancellationRequested);
    }

    [Fact]
    public void Update_ReturningSameTable_DoesNotSignal()
    {
        var holder = new RoutingTableHolder(TableAtGeneration(1));
        var token = holder.ChangeToken;

        var result = holder.Update(t => t);

        Assert.Same(holder.Current, result);
        Assert.False(token.IsCancellationRequested);
    }

    [Fact]
    public void Update_ConcurrentWriters_LoseNoUpdate()
    {
        var holder = new RoutingTableHolder(new RoutingTable([new RoutingState("bot", 1, Generation: 0)]));
        const int writers = 4;
        const int updatesEach = 250;

        Parallel.For(0, writers, new ParallelOptions { MaxDegreeOfParallelism = writers }, _ =>
        {
            for (var i = 0; i < updatesEach; i++)
            {
                holder.Update(t => t.TryGet("bot", out var s) ? t.With(s with { Generation = s.Generation + 1 }) : t);
            }
        });

        Assert.True(holder.Current.TryGet("bot", out var state));
        Assert.Equal(writers * updatesEach, state.Generation);
    }

    [Fact]
    public async Task Current_ReadersDuringSwaps_SeeWholeTablesOnly()
    {
        var holder = new RoutingTableHolder(TableAtGeneration(0));
        var tables = Enumerable.Range(1, 300).Select(g => TableAtGeneration(g)).ToArray();
        using var stop = new CancellationTokenSource();
        var mixed = 0;
        var reads = 0L;

        var readers = Enumerable.Range(0, 3).Select(_ => Task.Run(
            () =>
        {
            var lastSeen = -1L;
            while (!stop.IsCancellationRequested)
            {
                var table = holder.Current;
                Assert.True(table.TryGet("a", out var first));
                foreach (var name in Deployments)
                {
                    // Every deployment of one table carries the same generation, so a mixed view would show two.
                    if (!table.TryGet(name.AsSpan(), out var s) || s.Generation != first.Generation)
                    {
                        Interlocked.Increment(ref mixed);
                    }
                }

                if (first.Generation < lastSeen)
                {
                    Interlocked.Increment(ref mixed);
                }

                lastSeen = first.Generation;
                Interlocked.Increment(ref reads);
            }
        },
            TestContext.Current.CancellationToken)).ToArray();

        while (Interlocked.Read(ref reads) == 0)
        {
            Thread.Yield();
        }

        foreach (var table in tables)
        {
            holder.Swap(table);
            Thread.Yield();
        }

        stop.Cancel();
        await Task.WhenAll(readers);
        Assert.Equal(0, mixed);
        Assert.True(Interlocked.Read(ref reads) > 0);
        Assert.Same(tables[^1], holder.Current);
    }
}
