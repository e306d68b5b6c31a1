namespace Switchback.Gateway.OnlineEvaluators;

/// <summary>Sizing of the off-path response evaluation. Validated at start-up with <see cref="Validate"/>.</summary>
public sealed class EvaluationOptions
{
    /// <summary>Background workers evaluating responses.</summary>
    /// <value>Default 1; 1..64.</value>
    public int Workers { get; set; } = 1;

    /// <summary>Responses waiting for a worker; beyond this they are dropped and counted in <c>evaluator_dropped</c>.</summary>
    /// <value>Default 1,000; 1..1,000,000.</value>
    public int QueueCapacity { get; set; } = 1_000;

    /// <summary>
    /// How much of a response body (a stream's raw events included) is kept for versions with evaluators; larger
    /// responses are not evaluated and count in <c>evaluator_skipped</c>.
    /// </summary>
    /// <value>Default 1 MiB; 64 KiB..64 MiB.</value>
    public int CaptureLimitBytes { get; set; } = 1024 * 1024;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        if (Workers is < 1 or > 64)
        {
            throw new ArgumentException($"evaluation workers must be 1..64, got {Workers}");
        }

        if (QueueCapacity is < 1 or > 1_000_000)
        {
            throw new ArgumentException($"evaluation queue capacity must be 1..1000000, got {QueueCapacity}");
        }

        if (CaptureLimitBytes is < 64 * 1024 or > 64 * 1024 * 1024)
        {
            throw new ArgumentException($"evaluation capture limit must be 64 KiB..64 MiB, got {CaptureLimitBytes} bytes");
        }
    }
}
