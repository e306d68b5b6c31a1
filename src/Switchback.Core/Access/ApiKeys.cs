using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Switchback.Core.Access;

/// <summary>Creating and hashing API keys. Stores keep only the hash.</summary>
public static class ApiKeys
{
    /// <summary>The prefix of every generated key, so a leaked key is easy to recognise (and to scan for).</summary>
    public const string Prefix = "sb_";

    /// <summary>A new key: "sb_" followed by 32 random bytes from <see cref="RandomNumberGenerator"/>, base64url without padding.</summary>
    public static string Generate() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// "sha256:" followed by the lower-case hex SHA-256 of the key's UTF-8 bytes. A plain, unsalted, fast hash is right here
    /// (unlike for passwords): generated keys carry 256 bits of entropy, so neither brute force nor precomputed tables can
    /// invert the hash, and a deterministic hash lets a store find a key by its hash in one indexed lookup.
    /// </summary>
    public static string Hash(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }
}
