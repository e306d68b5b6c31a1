using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Switchback.Gateway.Forwarding;

/// <summary>
/// Validates HTTPS upstreams' certificates against the system's trust store and, when the operator names a CA bundle
/// (<see cref="Hosting.GatewayOptions.UpstreamCaFile"/>), also against the certificates in that bundle: a chain the system
/// does not trust is accepted when it ends at one of them. A name mismatch or a missing certificate is always refused.
/// Immutable after construction, so thread-safe; the check runs once per TLS connection, never per request.
/// </summary>
internal sealed class UpstreamTrust
{
    private readonly X509Certificate2Collection roots;

    private UpstreamTrust(X509Certificate2Collection roots) => this.roots = roots;

    /// <summary>The certificates of a PEM bundle; null with a message naming the file and the fault.</summary>
    public static UpstreamTrust? TryLoad(string path, out string problem)
    {
        problem = string.Empty;
        if (!File.Exists(path))
        {
            problem = $"the upstream CA bundle '{path}' does not exist";
            return null;
        }

        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            problem = $"the upstream CA bundle '{path}' cannot be read as PEM certificates: {ex.Message}";
            return null;
        }

        if (roots.Count == 0)
        {
            problem = $"the upstream CA bundle '{path}' holds no '-----BEGIN CERTIFICATE-----' block";
            return null;
        }

        return new UpstreamTrust(roots);
    }

    /// <summary>The callback for <see cref="SslClientAuthenticationOptions.RemoteCertificateValidationCallback"/>.</summary>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(roots);

        // A private CA's certificates name no revocation list this machine could reach.
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return custom.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }
}
