using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Switchback.Server.Hosting;

/// <summary>
/// The server's TLS certificate, loaded from a PEM certificate and a PEM private key and reloaded when either file changes,
/// so a rotated certificate is served without a restart. Kestrel asks <see cref="Current"/> at every TLS handshake (its
/// <c>ServerCertificateSelector</c>); at most once per <see cref="CheckInterval"/> on the injected clock that call compares
/// the files' contents (a hash) with the loaded ones and, when they differ, loads them again. A pair that does not load
/// (half-written, key and certificate not yet both replaced) keeps the previous certificate and logs a warning once per
/// change. Thread-safe: the certificate is one immutable value behind a volatile field, swapped whole.
/// </summary>
/// <remarks>
/// A check on the handshake rather than a <see cref="FileSystemWatcher"/>: it needs no thread, works where inotify does not
/// (network and container volumes, Kubernetes' symlink-swapped secrets) and costs reading two small files once a second at most,
/// on handshakes only, never on requests of an open connection. Each replica of a fleet loads its own files; one dying
/// loses nothing (the files are the state).
/// </remarks>
internal sealed class TlsCertificateSource
{
    /// <summary>How often, at most, a handshake checks the files for a change.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    private readonly string certificatePath;
    private readonly string keyPath;
    private readonly TimeProvider time;
    private readonly Lock gate = new();
    private volatile X509Certificate2 current;
    private FileStamp loaded;
    private FileStamp refused;
    private long nextCheck;

    private TlsCertificateSource(string certificatePath, string keyPath, TimeProvider time, X509Certificate2 certificate, FileStamp stamp)
    {
        this.certificatePath = certificatePath;
        this.keyPath = keyPath;
        this.time = time;
        current = certificate;
        loaded = stamp;
        nextCheck = time.GetTimestamp() + Ticks(CheckInterval);
    }

    /// <summary>Where reloads and refused files are logged; set once, before the server starts.</summary>
    public ILogger Logger { get; set; } = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    /// <summary>The certificate to present now (reloaded first when the files changed since the last check).</summary>
    public X509Certificate2 Current
    {
        get
        {
            if (time.GetTimestamp() >= Interlocked.Read(ref nextCheck))
            {
                Check();
            }

            return current;
        }
    }

    /// <summary>Loads the pair, or returns null with a message that names the file and what is wrong with it.</summary>
    public static TlsCertificateSource? TryCreate(string certificatePath, string keyPath, TimeProvider time, out string problem)
    {
        var certificate = TryLoad(certificatePath, keyPath, out problem);
        return certificate is null ? null : new TlsCertificateSource(certificatePath, keyPath, time, certificate, FileStamp.Of(certificatePath, keyPath));
    }

    /// <summary>The certificate with its private key from two PEM files; null with a message naming the file and the fault.</summary>
    public static X509Certificate2? TryLoad(string certificatePath, string keyPath, out string problem)
    {
        problem = string.Empty;
        foreach (var (flag, path) in new[] { ("--tls-cert", certificatePath), ("--tls-key", keyPath) })
        {
            if (!File.Exists(path))
            {
                problem = $"{flag} '{path}': no such file";
                return null;
            }
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPem(File.ReadAllText(certificatePath));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            problem = $"--tls-cert '{certificatePath}' cannot be read as a PEM certificate: {ex.Message}";
            return null;
        }

        try
        {
            using (certificate)
            {
                // The key is checked against the certificate's public key here, so a mismatched pair fails at start, not in a handshake.
                return X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            problem = ex is ArgumentException && ex.Message.Contains("match", StringComparison.OrdinalIgnoreCase)
                ? $"--tls-key '{keyPath}' is not the private key of the certificate in --tls-cert '{certificatePath}'"
                : $"--tls-key '{keyPath}' cannot be read as a PEM private key (PKCS#8, RSA or EC) for '{certificatePath}': {ex.Message}";
            return null;
        }
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);

    private void Check()
    {
        lock (gate)
        {
            var now = time.GetTimestamp();
            if (now < nextCheck)
            {
                return;
            }

            Interlocked.Exchange(ref nextCheck, now + Ticks(CheckInterval));
            var stamp = FileStamp.Of(certificatePath, keyPath);
            if (stamp == loaded || stamp == refused)
            {
                return;
            }

            if (TryLoad(certificatePath, keyPath, out var problem) is { } certificate)
            {
                // The previous certificate is not disposed: a handshake may still be using it; the collector frees it.
                current = certificate;
                loaded = stamp;
                ServerLog.TlsCertificateReloaded(Logger, certificatePath, certificate.Subject, certificate.NotAfter);
            }
            else
            {
                refused = stamp;
                ServerLog.TlsCertificateRefused(Logger, problem);
            }
        }
    }

    // What tells a changed pair: the files' bytes (a few KB, read at most once per interval). Size and write time alone miss a
    // rewrite of equal length within the file system's timestamp granularity (milliseconds), which a deployment script can do.
    private readonly record struct FileStamp(string Hash)
    {
        public static FileStamp Of(string certificatePath, string keyPath)
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            foreach (var path in new[] { certificatePath, keyPath })
            {
                try
                {
                    hash.AppendData(File.ReadAllBytes(path));
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Missing or unreadable now: a state of its own, which the load that follows reports.
                    hash.AppendData(System.Text.Encoding.UTF8.GetBytes(ex.GetType().Name));
                }

                hash.AppendData([0]);
            }

            return new FileStamp(Convert.ToHexString(hash.GetHashAndReset()));
        }
    }
}
