using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Switchback.Core.Routing;

/// <summary>
/// An immutable snapshot of every deployment's <see cref="RoutingState"/>, keyed by deployment name (ordinal).
/// Safe to read from any number of threads; a change builds a new table (see <see cref="RoutingTableHolder"/>).
/// </summary>
public sealed class RoutingTable
{
    private readonly FrozenDictionary<string, RoutingState> _states;
    private readonly FrozenDictionary<string, RoutingState>.AlternateLookup<ReadOnlySpan<char>> _bySpan;

    /// <summary>Builds a table; every state is validated and deployment names must be unique.</summary>
    public RoutingTable(IEnumerable<RoutingState> states)
    {
        ArgumentNullException.ThrowIfNull(states);
        var byName = new Dictionary<string, RoutingState>(StringComparer.Ordinal);
        foreach (var state in states)
        {
            ArgumentNullException.ThrowIfNull(state, nameof(states));
            state.Validate();
            if (!byName.TryAdd(state.Deployment, state))
            {
                throw new ArgumentException($"deployment '{state.Deployment}' appears twice in the routing table", nameof(states));
            }
        }

        _states = byName.ToFrozenDictionary(StringComparer.Ordinal);
        _bySpan = _states.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>A table with no deployments.</summary>
    public static RoutingTable Empty { get; } = new([]);

    /// <summary>The number of deployments.</summary>
    public int Count => _states.Count;

    /// <summary>Every deployment's state, in no particular order.</summary>
    public IReadOnlyList<RoutingState> States => _states.Values;

    /// <summary>Finds a deployment's state by name.</summary>
    public bool TryGet(string deployment, [MaybeNullWhen(false)] out RoutingState state)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        return _states.TryGetValue(deployment, out state);
    }

    /// <summary>Finds a deployment's state by name without allocating a string.</summary>
    public bool TryGet(ReadOnlySpan<char> deployment, [MaybeNullWhen(false)] out RoutingState state)
        => _bySpan.TryGetValue(deployment, out state);

    /// <summary>
    /// A new table with <paramref name="state"/> added or replacing its deployment's state. A replacement must carry a
    /// higher <see cref="RoutingState.Generation"/>, so a late or repeated change notification cannot roll routing back.
    /// </summary>
    public RoutingTable With(RoutingState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (_states.TryGetValue(state.Deployment, out var current) && state.Generation <= current.Generation)
        {
            throw new ArgumentException(
                $"routing state of '{state.Deployment}' has generation {state.Generation}, not newer than the current {current.Generation}",
                nameof(state));
        }

        return new RoutingTable(_states.Values.Where(s => s.Deployment != state.Deployment).Append(state));
    }

    /// <summary>A new table without <paramref name="deployment"/> (the same table when it is absent).</summary>
    public RoutingTable Without(string deployment)
        => _states.ContainsKey(deployment) ? new RoutingTable(_states.Values.Where(s => s.Deployment != deployment)) : this;
}
