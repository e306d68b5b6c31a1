using System.Buffers;
using System.IO.Hashing;
using System.Text;

namespace Switchback.Core.Routing;

/// <summary>
/// Assigns requests to versions. A key is hashed with XxHash3 (a published, versioned algorithm, so a key lands in the
/// same bucket in every process, replica and .NET version) over its UTF-8 bytes, seeded by the deployment name and the
/// routing's <see cref="RoutingState.Salt"/> (the rollout's id) so deployments and rollouts split independently, then mapped
/// to a bucket 0..9,999. The candidate gets buckets below its weight, so raising the weight only ever moves keys from
/// stable to candidate within a rollout. Shadow sampling uses an independent seed.
/// Pure, allocation-free and thread-safe.
/// </summary>
public static class StickyAssigner
{
    /// <summary>The number of buckets; equal to <see cref="RoutingState.FullBps"/>.</summary>
    public const int BucketCount = RoutingState.FullBps;

    // Never change these: doing so reassigns every user of every deployment at the next deploy of the gateway.
    private const long CandidateDomain = 0x5357_4243_414E_4431; // "SWBCAND1"
    private const long ShadowDomain = 0x5357_4253_4844_5731;    // "SWBSHDW1"
    private const int StackLimit = 256;

    /// <summary>
    /// The key to assign by, following the fall-through order of <paramref name="source"/>; empty means "draw at random".
    /// </summary>
    public static ReadOnlySpan<char> SelectKey(StickySource source, ReadOnlySpan<char> headerKey, ReadOnlySpan<char> user)
        => source switch
        {
            StickySource.Header => !headerKey.IsEmpty ? headerKey : user,
            StickySource.User => user,
            _ => [],
        };

    /// <summary>Routes a request with assignment key <paramref name="key"/>; an empty key draws at random.</summary>
    public static RouteDecision Choose(RoutingState state, ReadOnlySpan<char> key)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (key.IsEmpty)
        {
            return ChooseUnkeyed(state, Random.Shared);
        }

        var max = Encoding.UTF8.GetMaxByteCount(key.Length);
        byte[]? rented = null;
        var buffer = max <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            return Choose(state, buffer[..Encoding.UTF8.GetBytes(key, buffer)]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Routes a request whose assignment key is given as UTF-8 bytes; same result as the <see cref="string"/> form.</summary>
    public static RouteDecision Choose(RoutingState state, ReadOnlySpan<byte> utf8Key)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (utf8Key.IsEmpty)
        {
            return ChooseUnkeyed(state, Random.Shared);
        }

        var hash = XxHash3.HashToUInt64(utf8Key, Seed(state.Deployment, state.Salt, CandidateDomain));
        return Decide(state, ToBucket(hash), ToBucket(XxHash3.HashToUInt64(utf8Key, Seed(state.Deployment, state.Salt, ShadowDomain)))) with { KeyHash = hash | 1 };
    }

    /// <summary>Routes a request that has no key with two independent draws from <paramref name="random"/>.</summary>
    /// <remarks><paramref name="random"/> must be safe for the calling thread; <see cref="Random.Shared"/> is.</remarks>
    public static RouteDecision ChooseUnkeyed(RoutingState state, Random random)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(random);
        return Decide(state, random.Next(BucketCount), random.Next(BucketCount));
    }

    /// <summary>The candidate bucket 0..9,999 of <paramref name="key"/> in <paramref name="deployment"/> under <paramref name="salt"/>.</summary>
    public static int CandidateBucket(string deployment, ReadOnlySpan<char> key, string? salt = null)
        => Choose(new RoutingState(deployment, 1, Salt: salt), key).Bucket;

    private static RouteDecision Decide(RoutingState state, int candidateBucket, int shadowBucket)
    {
        var onCandidate = state.CandidateVersion is not null && candidateBucket < state.CandidateWeightBps;
        var version = onCandidate ? state.CandidateVersion!.Value : state.StableVersion;
        var shadow = state.ShadowVersion is { } s && shadowBucket < state.ShadowSampleBps && s != version ? s : (int?)null;
        return new RouteDecision(version, onCandidate, shadow, candidateBucket);
    }

    // Lemire's multiply-shift maps the 64-bit hash onto 0..9,999 without the bias of a modulo.
    private static int ToBucket(ulong hash) => (int)Math.BigMul(hash, (ulong)BucketCount, out _);

    private static long Seed(string deployment, string? salt, long domain)
    {
        // Deployment names are at most 63 ASCII characters (DeploymentName), and salts are rollout ids; both stay correct longer.
        Span<byte> name = stackalloc byte[StackLimit];
        var written = Encoding.UTF8.TryGetBytes(deployment, name, out var length)
            ? length
            : throw new ArgumentException($"deployment name '{deployment}' is too long to route", nameof(deployment));
        var seed = unchecked((long)XxHash3.HashToUInt64(name[..written], domain));
        if (salt is null)
        {
            return seed;
        }

        var salted = Encoding.UTF8.TryGetBytes(salt, name, out length)
            ? length
            : throw new ArgumentException($"routing salt '{salt}' is too long", nameof(salt));
        return unchecked((long)XxHash3.HashToUInt64(name[..salted], seed));
    }
}
