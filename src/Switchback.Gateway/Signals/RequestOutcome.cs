namespace Switchback.Gateway.Signals;

/// <summary>How a request to one version ended; every value but <see cref="Ok"/> is an error class of PRODUCT.md §6.</summary>
public enum RequestOutcome
{
    /// <summary>The upstream answered (any status below 500).</summary>
    Ok = 0,

    /// <summary>The upstream answered with a 5xx status.</summary>
    Http5xx = 1,

    /// <summary>The bundle's timeout expired.</summary>
    Timeout = 2,

    /// <summary>The upstream could not be reached.</summary>
    Connect = 3,

    /// <summary>The upstream reported running out of memory.</summary>
    Oom = 4,
}
