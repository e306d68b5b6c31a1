using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
using Switchback.FunctionalTests.Infrastructure;
using Switchback.Gateway.Tests.Hosting;
using Switchback.Server.Hosting;

namespace Switchback.FunctionalTests;

/// <summary><c>serve --tls-cert/--tls-key</c>: HTTPS with real certificates, rotation without a restart, clear start-up errors.</summary>
public sealed class ServeTlsTests : IDisposable
{
    private readonly TempDir dir = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => dir.Dispose();

    [Fact]
    public async Task Serve_Https_ServesTheCertificateAndTheRotatedOneWithoutRestart()
    {
        using var authority = TestCertificates.CreateAuthority("Switchback Test CA");
        using var first = TestCertificates.IssueServer(authority, "first");
        using var second = TestCertificates.IssueServer(authority, "second");
        var (certificate, key) = TestCertificates.WritePem(first, dir.Path, "server");
        using var server = await ServerProcess.StartAsync(dir.SqliteStore, listen: "https://127.0.0.1:0", arguments: ["--tls-cert", certificate, "--tls-key", key]);
        Assert.StartsWith("https://127.0.0.1:", server.Url, StringComparison.Ordinal);

        Assert.Equal(first.Thumbprint, await ServedThumbprintAsync(server.Url, authority));

        // Written as a deployment tool would: the key and the certificate replaced, one after the other.
        TestCertificates.WritePem(second, dir.Path, "server");
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        string served;
        while ((served = await ServedThumbprintAsync(server.Url, authority)) != second.Thumbprint && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(100, Ct);
        }

        Assert.Equal(second.Thumbprint, served);
        Assert.Contains("TLS certificate reloaded", server.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("missing-cert", "--tls-cert", "no such file")]
    [InlineData("missing-key", "--tls-key", "no such file")]
    [InlineData("garbage-cert", "--tls-cert", "cannot be read as a PEM certificate")]
    [InlineData("mismatched", "--tls-key", "is not the private key of the certificate")]
    [InlineData("http-listen", "--tls-cert and --tls-key need an https://", "")]
    public async Task Serve_UnusableTlsFiles_ExitsAtStartSayingWhich(string fault, string names, string says)
    {
        using var authority = TestCertificates.CreateAuthority("Switchback Test CA");
        using var mine = TestCertificates.IssueServer(authority, "mine");
        using var other = TestCertificates.IssueServer(authority, "other");
        var (certificate, key) = TestCertificates.WritePem(mine, dir.Path, "server");
        var (_, otherKey) = TestCertificates.WritePem(other, dir.Path, "other");
        var listen = "https://127.0.0.1:0";
        switch (fault)
        {
            case "missing-cert":
                certificate = dir.File("nowhere.crt");
                break;
            case "missing-key":
                key = dir.File("nowhere.key");
                break;
            case "garbage-cert":
                certificate = dir.Write("garbage.crt", "this is not PEM");
                break;
            case "mismatched":
                key = otherKey;
                break;
            default:
                listen = "http://127.0.0.1:0";
                break;
        }

        using var child = ChildProcess.Start(
            ["serve", "--listen", listen, "--store", dir.SqliteStore, "--tls-cert", certificate, "--tls-key", key],
            new Dictionary<string, string?> { ["SWITCHBACK_ADMIN_KEY"] = ServerProcess.AdminKey });

        Assert.Equal(1, await child.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(names, child.Stderr, StringComparison.Ordinal);
        Assert.Contains(says, child.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Switchback listening on", child.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void TlsCertificateSource_FilesChange_ReloadsAfterTheCheckIntervalAndKeepsTheOldPairWhenTheNewOneIsBroken()
    {
        using var authority = TestCertificates.CreateAuthority("Switchback Test CA");
        using var first = TestCertificates.IssueServer(authority, "first");
        using var second = TestCertificates.IssueServer(authority, "second");
        using var third = TestCertificates.IssueServer(authority, "third");
        var time = new FakeTimeProvider();
        var (certificate, key) = TestCertificates.WritePem(first, dir.Path, "server");
        var source = TlsCertificateSource.TryCreate(certificate, key, time, out var problem);
        Assert.True(source is not null, problem);

        TestCertificates.WritePem(second, dir.Path, "server");
        Assert.Equal(first.Thumbprint, source.Current.Thumbprint);
        time.Advance(TlsCertificateSource.CheckInterval);
        Assert.Equal(second.Thumbprint, source.Current.Thumbprint);

        // Half-rotated: the new certificate with the old key. The last good pair stays until the key follows.
        File.WriteAllText(certificate, third.ExportCertificatePem());
        time.Advance(TlsCertificateSource.CheckInterval);
        Assert.Equal(second.Thumbprint, source.Current.Thumbprint);
        TestCertificates.WritePem(third, dir.Path, "server");
        time.Advance(TlsCertificateSource.CheckInterval);
        Assert.Equal(third.Thumbprint, source.Current.Thumbprint);
    }

    // A new connection each time (so a new handshake), trusting only the test CA.
    private static async Task<string> ServedThumbprintAsync(string url, X509Certificate2 authority)
    {
        string? thumbprint = null;
        using var handler = new SocketsHttpHandler
        {
            SslOptions =
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(authority);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    var leaf = X509CertificateLoader.LoadCertificate(certificate!.GetRawCertData());
                    thumbprint = leaf.Thumbprint;
                    return chain.Build(leaf);
                },
            },
        };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(url + "/") };
        using var response = await client.GetAsync("healthz", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return thumbprint!;
    }
}
