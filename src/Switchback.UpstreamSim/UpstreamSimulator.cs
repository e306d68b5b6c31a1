using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Switchback.UpstreamSim.Faults;
using Switchback.UpstreamSim.Hosting;

namespace Switchback.UpstreamSim;

/// <summary>
/// A running OpenAI-compatible simulated model server on Kestrel. Thread-safe; start with <see cref="StartAsync"/>,
/// stop with <see cref="StopAsync"/> or by disposing. Delays use the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed class UpstreamSimulator : IAsyncDisposable
{
    private readonly WebApplication? _app;
    private readonly Socket? _refusingSocket;
    private readonly CancellationTokenSource _stopping;
    private int _stopped;

    private readonly ReceivedRequests _received;

    private UpstreamSimulator(WebApplication? app, Socket? refusingSocket, CancellationTokenSource stopping, Uri baseAddress, SimStats stats, ReceivedRequests received)
    {
        _received = received;
        _app = app;
        _refusingSocket = refusingSocket;
        _stopping = stopping;
        BaseAddress = baseAddress;
        Stats = stats;
    }

    /// <summary>Where the simulator is reachable, e.g. <c>http://127.0.0.1:41234/</c>; the OpenAI base is this + <c>v1</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Thread-safe counters of requests, errors and outcomes.</summary>
    public SimStats Stats { get; }

    /// <summary>
    /// The latest inference requests as they arrived, oldest first, at most <see cref="UpstreamSimOptions.RecordRequests"/>
    /// of them (empty when that is 0). A snapshot: later requests do not change the returned list.
    /// </summary>
    public IReadOnlyList<ReceivedRequest> Received => _received.Snapshot();

    /// <summary>Validates <paramref name="options"/>, binds the port and starts serving.</summary>
    /// <param name="options">Behaviour; invalid values throw <see cref="ArgumentException"/> naming each problem.</param>
    /// <param name="time">Clock for latency delays and timestamps; default <see cref="TimeProvider.System"/>.</param>
    /// <param name="ct">Cancels start-up.</param>
    public static async Task<UpstreamSimulator> StartAsync(UpstreamSimOptions options, TimeProvider? time = null, CancellationToken ct = default)
    {
        var settings = SimSettings.From(options);
        var stats = new SimStats();
        var stopping = new CancellationTokenSource();
        var received = new ReceivedRequests(settings.RecordRequests);
        if (settings.Profile == SimProfile.Down && settings.DownMode == DownMode.Refuse)
        {
            return StartRefusing(settings, stats, stopping, received);
        }

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(settings.Endpoint);
        });
        var app = builder.Build();
        var handler = new SimHandler(settings, stats, received, time ?? TimeProvider.System, stopping.Token);
        app.Run(handler.HandleAsync);
        try
        {
            await app.StartAsync(ct);
        }
        catch
        {
            await app.DisposeAsync();
            stopping.Dispose();
            throw;
        }

        var bound = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        var port = new Uri(bound).Port;
        return new UpstreamSimulator(app, null, stopping, AddressFor(settings.Endpoint.Address, port), stats, received);
    }

    /// <summary>Stops serving: requests held by latency or the down profile are aborted, not waited for.</summary>
    public async Task StopAsync(CancellationToken ct = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync();
        _refusingSocket?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync(ct);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _stopping.Dispose();
    }

    private static UpstreamSimulator StartRefusing(SimSettings settings, SimStats stats, CancellationTokenSource stopping, ReceivedRequests received)
    {
        // Bound but never listening: the port stays ours, and the kernel answers every connect with a refusal.
        var socket = new Socket(settings.Endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(settings.Endpoint);
        }
        catch
        {
            socket.Dispose();
            stopping.Dispose();
            throw;
        }

        var port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        return new UpstreamSimulator(null, socket, stopping, AddressFor(settings.Endpoint.Address, port), stats, received);
    }

    private static Uri AddressFor(IPAddress address, int port)
    {
        // A wildcard bind is reached through loopback from this machine.
        if (address.Equals(IPAddress.Any))
        {
            address = IPAddress.Loopback;
        }
        else if (address.Equals(IPAddress.IPv6Any))
        {
            address = IPAddress.IPv6Loopback;
        }

        return new UriBuilder(Uri.UriSchemeHttp, address.ToString(), port, "/").Uri;
    }
}
