namespace Switchback.Control.Rollbacks;

/// <summary>Checks that a version can serve before traffic is sent back to it.</summary>
internal interface ITargetHealthCheck
{
    /// <summary>Null when healthy, else what is wrong.</summary>
    Task<string?> ProblemAsync(string deployment, int version, CancellationToken cancellationToken);
}
