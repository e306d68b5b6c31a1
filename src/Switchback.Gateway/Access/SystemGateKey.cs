using System.Security.Cryptography;
using System.Text;

namespace Switchback.Gateway.Access;

/// <summary>
/// The in-process credential the server's own rollout gates call its gateway with (identity <c>system:gate</c>, operator
/// role, so it may pin versions). A random key made once per process: never stored, never logged, never shown, and useless
/// to anyone outside this process (a restart makes a new one). <see cref="KeyCache"/> accepts it before asking the store.
/// </summary>
public sealed class SystemGateKey
{
    /// <summary>The identity the gate's calls act as.</summary>
    public const string Name = "system:gate";

    private readonly byte[] keyBytes;

    /// <summary>Makes this process's key.</summary>
    public SystemGateKey()
    {
        Key = "sbsys_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        keyBytes = Encoding.UTF8.GetBytes(Key);
    }

    /// <summary>The bearer key; pass it only to this process's own gateway.</summary>
    public string Key { get; }

    /// <summary>Whether <paramref name="presented"/> is this key (constant time).</summary>
    public bool Matches(string presented)
        => presented is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), keyBytes);

    /// <summary>The identity, never the key, so logging this object leaks nothing.</summary>
    public override string ToString() => Name;
}
