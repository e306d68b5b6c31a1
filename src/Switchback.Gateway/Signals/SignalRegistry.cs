using System.Collections.Concurrent;
using Switchback.Core.Bundles;

namespace Switchback.Gateway.Signals;

/// <summary>
/// Every (deployment, version)'s <see cref="VersionSignals"/>, created on first use. Thread-safe; a lookup of an
/// existing pair allocates nothing (two dictionary reads with the caller's own strings and a static factory).
/// </summary>
public sealed class SignalRegistry
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<int, VersionSignals>> _byDeployment = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly SignalOptions _options;

    /// <summary>Creates an empty registry; <paramref name="options"/> is validated here.</summary>
    public SignalRegistry(TimeProvider time, SignalOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _options = options ?? new SignalOptions();
        _options.Validate();
    }

    /// <summary>The deployments that have signals.</summary>
    public ICollection<string> Deployments => _byDeployment.Keys;

    /// <summary>The signals of <paramref name="deployment"/>@<paramref name="version"/>, created when first asked for.</summary>
    public VersionSignals Get(string deployment, int version)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        if (!_byDeployment.TryGetValue(deployment, out var versions))
        {
            versions = _byDeployment.GetOrAdd(deployment, static (name, _) => Create(name), 0);
        }

        return versions.TryGetValue(version, out var signals)
            ? signals
            : versions.GetOrAdd(version, static (v, s) => NewVersion(s.Deployment, v, s.Time, s.Options), (Deployment: deployment, Time: _time, Options: _options));
    }

    /// <summary>The signals of a pair that has recorded something, without creating them.</summary>
    public bool TryGet(string deployment, int version, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out VersionSignals signals)
    {
        signals = null;
        return _byDeployment.TryGetValue(deployment, out var versions) && versions.TryGetValue(version, out signals);
    }

    /// <summary>The versions of <paramref name="deployment"/> that have signals, ascending.</summary>
    public IReadOnlyList<VersionSignals> Versions(string deployment)
        => _byDeployment.TryGetValue(deployment, out var versions) ? [.. versions.Values.OrderBy(v => v.Version)] : [];

    /// <summary>Forgets a version's signals (for example after it was archived).</summary>
    public bool Remove(string deployment, int version)
        => _byDeployment.TryGetValue(deployment, out var versions) && versions.TryRemove(version, out _);

    /// <summary>Every version of <paramref name="deployment"/> aggregated over the last <paramref name="window"/>, by version.</summary>
    public IReadOnlyList<SignalSnapshot> Snapshot(string deployment, TimeSpan window)
    {
        if (window <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, "a signal window must be longer than zero");
        }

        return _byDeployment.TryGetValue(deployment, out var versions)
            ? [.. versions.Values.OrderBy(v => v.Version).Select(v => v.AggregateLast(window))]
            : [];
    }

    private static ConcurrentDictionary<int, VersionSignals> Create(string deployment)
    {
        if (!DeploymentName.IsValid(deployment, out var error))
        {
            throw new ArgumentException($"cannot record signals: deployment {error}", nameof(deployment));
        }

        return new ConcurrentDictionary<int, VersionSignals>();
    }

    private static VersionSignals NewVersion(string deployment, int version, TimeProvider time, SignalOptions options)
        => version >= 1
            ? new VersionSignals(deployment, version, time, options)
            : throw new ArgumentOutOfRangeException(nameof(version), version, $"cannot record signals for {deployment}@{version}: versions start at 1");
}
