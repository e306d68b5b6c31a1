using Switchback.Core.Routing;

namespace Switchback.Gateway.Routing;

/// <summary>
/// How the control plane changes what this process's gateway routes by, without reaching into its snapshot: route ahead of
/// the store (a rollback must not wait for a commit), undo that, and swap to a stored state — directly when every version it
/// names is already loaded, else by a reload. Thread-safe: every change is an atomic swap of the immutable table.
/// </summary>
public sealed class RoutingSwitch
{
    private readonly RoutingTableHolder routing;
    private readonly RoutingSnapshotLoader loader;

    internal RoutingSwitch(RoutingTableHolder routing, RoutingSnapshotLoader loader)
    {
        this.routing = routing;
        this.loader = loader;
    }

    /// <summary>
    /// Routes by <paramref name="next"/> in this process before it is stored, when its stable version is already loaded; returns
    /// the provisional state (the next generation), or null when only a reload can route by it. The stored state replaces it.
    /// </summary>
    public RoutingState? RouteAhead(RoutingState next)
    {
        ArgumentNullException.ThrowIfNull(next);
        if (!routing.Current.TryGet(next.Deployment, out var before)
            || (next.StableVersion != before.StableVersion && next.StableVersion != before.CandidateVersion && next.StableVersion != before.ShadowVersion))
        {
            return null;
        }

        var provisional = next with { Generation = before.Generation + 1 };
        routing.Update(t => t.TryGet(next.Deployment, out var s) && s.Generation >= provisional.Generation ? t : t.With(provisional));
        return RoutesBy(provisional) ? provisional : null;
    }

    /// <summary>Undoes <see cref="RouteAhead"/> when the store refused the change: routes by <paramref name="previous"/> again.</summary>
    public void Revert(RoutingState previous)
    {
        ArgumentNullException.ThrowIfNull(previous);
        routing.Update(t => t.TryGet(previous.Deployment, out var s) ? t.With(previous with { Generation = s.Generation + 1 }) : t);
    }

    /// <summary>
    /// Makes this process's gateway route by <paramref name="state"/> and returns once it does: a direct swap when every
    /// version it names is already routed (their bundles are loaded), else a full reload from the store.
    /// </summary>
    public async Task SwapAsync(RoutingState state, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(state);
        var loaded = routing.Current.TryGet(state.Deployment, out var before)
            && new[] { state.StableVersion, state.CandidateVersion, state.ShadowVersion }.All(v => v is null || v == before.StableVersion || v == before.CandidateVersion || v == before.ShadowVersion);
        if (loaded)
        {
            routing.Update(t => t.TryGet(state.Deployment, out var s) && s.Generation >= state.Generation ? t : t.With(state));
        }

        if (!RoutesBy(state))
        {
            await loader.RefreshAsync(ct);
        }

        if (!RoutesBy(state))
        {
            throw new InvalidOperationException($"the gateway did not take the routing of '{state.Deployment}' (generation {state.Generation}); see the server log");
        }
    }

    /// <summary>Whether this process routes by <paramref name="state"/> or a newer generation of its deployment.</summary>
    public bool RoutesBy(RoutingState state)
        => routing.Current.TryGet(state.Deployment, out var s) && s.Generation >= state.Generation;
}
