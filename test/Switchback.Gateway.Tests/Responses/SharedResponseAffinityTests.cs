using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Switchback.Core.Routing;
using Switchback.Gateway.Hosting;
using Switchback.Gateway.Responses;
using Switchback.Gateway.Tests.Hosting;
using Switchback.Storage;
using Switchback.Storage.Fleet;
using Switchback.UpstreamSim;

namespace Switchback.Gateway.Tests.Responses;

/// <summary>The response-affinity map shared through the store: replicas find each other's owners; bounded; a down store costs nothing.</summary>
public sealed class SharedResponseAffinityTests : IAsyncDisposable
{
    // Port 1 on loopback: nothing listens there, so every connection is refused at once (a store that is down).
    private const string ClosedPort = "postgres:Host=127.0.0.1;Port=1;Username=sb;Database=sb;Timeout=5";

    private readonly string directory = Directory.CreateTempSubdirectory("sb-affinity-").FullName;
    private readonly List<IRegistryStore> stores = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<UpstreamSimulator> SimAsync() =>
        UpstreamSimulator.StartAsync(new UpstreamSimOptions { Listen = "http://127.0.0.1:0", LatencyMs = 0 }, ct: Ct);

    private async Task<IRegistryStore> OpenAsync(string spec, TimeProvider time)
    {
        var store = RegistryStoreFactory.Create(spec, time);
        stores.Add(store);
        if (spec.StartsWith("sqlite:", StringComparison.Ordinal))
        {
            await store.MigrateAsync(Ct);
        }

        return store;
    }

    private static SharedResponseAffinity Affinity(IRegistryStore store, TimeProvider time, Action<GatewayOptions>? configure = null)
    {
        var options = new GatewayOptions();
        configure?.Invoke(options);
        var wrapped = Options.Create(options);
        return new SharedResponseAffinity(new BoundedResponseAffinity(wrapped), (IFleetStore)store, time, wrapped, NullLogger<SharedResponseAffinity>.Instance);
    }

    [Fact]
    public async Task TwoGateways_OneStore_AFollowUpReachingTheOtherFindsTheCreator()
    {
        await using var stable = await SimAsync();
        await using var candidate = await SimAsync();
        await using var first = await GatewayHost.StartAsync(seed: GatewayHost.StableAndCandidate(stable.BaseAddress, candidate.BaseAddress));
        await using var second = await GatewayHost.StartAsync(sharedDatabase: first.DatabaseFile);
        await first.SetRoutingAsync(new RoutingState("svc", 1, 2, 10_000, Salt: "r-1"));
        using var created = await first.Client.SendAsync(ResponsesApiTests.Responses("svc", "hi"), Ct);
        var id = (string)JsonNode.Parse(await created.Content.ReadAsStringAsync(Ct))!["id"]!;
        using var inConversation = await first.Client.SendAsync(ResponsesApiTests.Responses("svc", "hi", ",\"conversation\":\"conv_fleet\""), Ct);
        Assert.Equal("2", created.Headers.GetValues("x-switchback-version").Single());
        Assert.Equal("2", inConversation.Headers.GetValues("x-switchback-version").Single());

        // The candidate stays routed at weight 0: the second gateway's normal routing would send everyone to stable.
        await first.SetRoutingAsync(new RoutingState("svc", 1, 2, 0, Salt: "r-1"));
        Assert.True(await second.Loader.RefreshAsync(Ct));
        Assert.True(await first.Services.GetRequiredService<SharedResponseAffinity>().FlushAsync(Ct) >= 0);

        using var followUp = await second.Client.SendAsync(ResponsesApiTests.Responses("svc", "more", $",\"previous_response_id\":\"{id}\""), Ct);
        using var sameConversation = await second.Client.SendAsync(ResponsesApiTests.Responses("svc", "more", ",\"conversation\":{\"id\":\"conv_fleet\"}"), Ct);
        using var stored = await second.Client.GetAsync($"/v1/responses/{id}", Ct);

        Assert.Equal(HttpStatusCode.OK, followUp.StatusCode);
        Assert.Equal("2", followUp.Headers.GetValues("x-switchback-version").Single());
        Assert.Equal(HttpStatusCode.OK, sameConversation.StatusCode);
        Assert.Equal("2", sameConversation.Headers.GetValues("x-switchback-version").Single());
        Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        Assert.Equal("2", stored.Headers.GetValues("x-switchback-version").Single());
        Assert.Equal(0, stable.Stats.Requests);

        // Rolled back, on another upstream: the second gateway knows whose it was and refuses rather than ask stable.
        await first.SetRoutingAsync(new RoutingState("svc", 1));
        Assert.True(await second.Loader.RefreshAsync(Ct));
        using var afterRollback = await second.Client.SendAsync(ResponsesApiTests.Responses("svc", "more", $",\"previous_response_id\":\"{id}\""), Ct);
        Assert.Equal(HttpStatusCode.Conflict, afterRollback.StatusCode);
        Assert.Equal(0, stable.Stats.Requests);
    }

    [Fact]
    public async Task Flush_WritesWhatWasRememberedForAnotherInstanceAndAConversationKeepsItsFirstOwner()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(20_000));
        var file = "sqlite:" + Path.Combine(directory, "shared.db");
        var a = Affinity(await OpenAsync(file, time), time);
        var b = Affinity(await OpenAsync(file, time), time);

        a.Remember(AffinityKey.Response("resp_1"), new ResponseOwner("svc", 2));
        a.Remember(AffinityKey.Conversation("conv_1"), new ResponseOwner("svc", 1));
        a.Remember(AffinityKey.Conversation("conv_1"), new ResponseOwner("svc", 2));
        var beforeFlush = await b.FindAsync(AffinityKey.Response("resp_1"), Ct);
        var written = await a.FlushAsync(Ct);

        Assert.Null(beforeFlush);
        Assert.Equal(3, written);
        Assert.Equal(new ResponseOwner("svc", 2), await b.FindAsync(AffinityKey.Response("resp_1"), Ct));
        Assert.Equal(new ResponseOwner("svc", 1), await b.FindAsync(AffinityKey.Conversation("conv_1"), Ct));
        Assert.Null(await b.FindAsync(AffinityKey.Conversation("resp_1"), Ct));
        Assert.Equal(0, a.Failures + b.Failures);

        a.Forget(AffinityKey.Response("resp_1"));
        await a.FlushAsync(Ct);
        var c = Affinity(await OpenAsync(file, time), time);
        Assert.Null(await c.FindAsync(AffinityKey.Response("resp_1"), Ct));
    }

    [Fact]
    public async Task Prune_KeepsAtMostTheStoreCapacityNewestFirst()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(20_000));
        var store = await OpenAsync("sqlite:" + Path.Combine(directory, "bounded.db"), time);
        var affinity = Affinity(store, time, o => o.ResponseAffinityStoreCapacity = 3);
        for (var i = 0; i < 5; i++)
        {
            affinity.Remember(AffinityKey.Response($"resp_{i}"), new ResponseOwner("svc", 1));
            time.Advance(TimeSpan.FromSeconds(1));
        }

        await affinity.FlushAsync(Ct);
        var deleted = await affinity.PruneAsync(Ct);

        Assert.Equal(2, deleted);
        var fresh = Affinity(store, time);
        Assert.Null(await fresh.FindAsync(AffinityKey.Response("resp_1"), Ct));
        Assert.NotNull(await fresh.FindAsync(AffinityKey.Response("resp_2"), Ct));
        Assert.NotNull(await fresh.FindAsync(AffinityKey.Response("resp_4"), Ct));
    }

    [Fact]
    public async Task Prune_DropsOwnersOlderThanTheRetention()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(20_000));
        var store = await OpenAsync("sqlite:" + Path.Combine(directory, "aged.db"), time);
        var affinity = Affinity(store, time, o => o.ResponseAffinityRetention = TimeSpan.FromDays(1));
        affinity.Remember(AffinityKey.Response("resp_old"), new ResponseOwner("svc", 1));
        time.Advance(TimeSpan.FromHours(25));
        affinity.Remember(AffinityKey.Response("resp_new"), new ResponseOwner("svc", 1));
        await affinity.FlushAsync(Ct);

        Assert.Equal(1, await affinity.PruneAsync(Ct));
        var fresh = Affinity(store, time);
        Assert.Null(await fresh.FindAsync(AffinityKey.Response("resp_old"), Ct));
        Assert.NotNull(await fresh.FindAsync(AffinityKey.Response("resp_new"), Ct));
    }

    [Fact]
    public async Task StoreDown_TheLocalMapStillWorksAndLookupsSkipTheStoreDuringTheBackoff()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(20_000));
        var affinity = Affinity(await OpenAsync(ClosedPort, time), time, o => o.ResponseAffinityStoreBackoff = TimeSpan.FromSeconds(5));

        affinity.Remember(AffinityKey.Response("resp_local"), new ResponseOwner("svc", 2));
        var local = await affinity.FindAsync(AffinityKey.Response("resp_local"), Ct);
        var unknown = await affinity.FindAsync(AffinityKey.Response("resp_elsewhere"), Ct);
        var failuresAfterFirstMiss = affinity.Failures;
        var whileResting = await affinity.FindAsync(AffinityKey.Conversation("conv_elsewhere"), Ct);
        var flushed = await affinity.FlushAsync(Ct);

        Assert.Equal(new ResponseOwner("svc", 2), local);
        Assert.Null(unknown);
        Assert.Equal(1, failuresAfterFirstMiss);
        Assert.True(affinity.Resting);
        Assert.Null(whileResting);
        Assert.Equal(2, affinity.Failures); // the first lookup and the write; the lookup while resting did not try
        Assert.Equal(-1, flushed);

        // After the backoff the store is tried again (and is still down).
        time.Advance(TimeSpan.FromSeconds(6));
        Assert.False(affinity.Resting);
        var failuresBefore = affinity.Failures;
        Assert.Null(await affinity.FindAsync(AffinityKey.Response("resp_elsewhere"), Ct));
        Assert.Equal(failuresBefore + 1, affinity.Failures);
    }

    [Fact]
    public async Task SlowStore_OneSlowLookupIsAMissNotARest_ThreeInARowRest()
    {
        // A store that accepts connections and never answers: each lookup runs out of its timeout on the fake clock.
        using var blackHole = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        blackHole.Start();
        var held = new System.Collections.Concurrent.ConcurrentBag<System.Net.Sockets.Socket>();
        _ = Task.Run(
            async () =>
            {
                while (!Ct.IsCancellationRequested)
                {
                    held.Add(await blackHole.AcceptSocketAsync(Ct));
                }
            },
            Ct);
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(20_000));
        var port = ((System.Net.IPEndPoint)blackHole.LocalEndpoint).Port;
        var affinity = Affinity(await OpenAsync($"postgres:Host=127.0.0.1;Port={port};Username=sb;Database=sb;Timeout=30;Pooling=false", time), time);

        async Task<ResponseOwner?> SlowLookup(string id)
        {
            var lookup = affinity.FindAsync(AffinityKey.Response(id), Ct).AsTask();
            while (!lookup.IsCompleted)
            {
                time.Advance(TimeSpan.FromMilliseconds(100));
                await Task.WhenAny(lookup, Task.Delay(20, Ct));
            }

            return await lookup;
        }

        Assert.Null(await SlowLookup("resp_1"));
        Assert.Equal((1L, 0L, false), (affinity.SlowLookups, affinity.Failures, affinity.Resting));
        Assert.Null(await SlowLookup("resp_2"));
        Assert.False(affinity.Resting);
        Assert.Null(await SlowLookup("resp_3"));
        Assert.Equal((3L, 1L, true), (affinity.SlowLookups, affinity.Failures, affinity.Resting));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var store in stores)
        {
            await store.DisposeAsync();
        }

        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A straggling handle; the temp dir is cleaned by the OS.
        }
    }
}
