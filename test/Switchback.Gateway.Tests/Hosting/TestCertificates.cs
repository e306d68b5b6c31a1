using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Switchback.Gateway.Tests.Hosting;

/// <summary>Real X.509 certificates made in the test (a CA and leaves it signs for 127.0.0.1 and localhost), and their PEM files.</summary>
/// <remarks>Also compiled into the functional tests (linked), so both suites make certificates the same way.</remarks>
internal static class TestCertificates
{
    /// <summary>A self-signed CA certificate with its private key.</summary>
    public static X509Certificate2 CreateAuthority(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
    }

    /// <summary>A server certificate for 127.0.0.1 and localhost signed by <paramref name="authority"/>, with its private key.</summary>
    public static X509Certificate2 IssueServer(X509Certificate2 authority, string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var issued = request.Create(authority, now.AddHours(-1), now.AddDays(7), serial);
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>Writes the certificate and its private key (PKCS#8) as two PEM files in <paramref name="directory"/>.</summary>
    public static (string Certificate, string Key) WritePem(X509Certificate2 certificate, string directory, string stem)
    {
        var certificatePath = Path.Combine(directory, stem + ".crt");
        var keyPath = Path.Combine(directory, stem + ".key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath);
    }

    /// <summary>A server usable by Kestrel on every platform (a certificate from <see cref="IssueServer"/> holds an ephemeral key).</summary>
    public static X509Certificate2 ForKestrel(X509Certificate2 certificate)
        => X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
}
