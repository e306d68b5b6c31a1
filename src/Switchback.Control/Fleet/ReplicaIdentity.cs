using System.Reflection;
using System.Security.Cryptography;

namespace Switchback.Control.Fleet;

/// <summary>Who this process is in the fleet: an id unique to the process, its address and software version. Thread-safe.</summary>
public sealed class ReplicaIdentity
{
    private readonly TaskCompletionSource bound = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string address = "unknown";

    /// <summary>A new identity; the id names the host and process and ends with random digits, so a restart is a new replica.</summary>
    public ReplicaIdentity(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        Id = $"{Sanitize(Environment.MachineName)}-{Environment.ProcessId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";
        StartedAt = time.GetUtcNow();
        SoftwareVersion = typeof(ReplicaIdentity).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown";
    }

    /// <summary>The replica's id.</summary>
    public string Id { get; }

    /// <summary>When this process started.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>Switchback's version.</summary>
    public string SoftwareVersion { get; }

    /// <summary>The URL this process serves on, once bound.</summary>
    public string Address
    {
        get => Volatile.Read(ref address);
        set
        {
            Volatile.Write(ref address, value);
            bound.TrySetResult();
        }
    }

    /// <summary>Completes once <see cref="Address"/> is set (the server has bound its port).</summary>
    public Task WhenBound => bound.Task;

    private static string Sanitize(string name)
    {
        var chars = name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) || c == '-' ? c : '-').Take(40).ToArray();
        return chars.Length == 0 ? "host" : new string(chars);
    }
}
