using Fluid;
using Fluid.Values;

namespace Switchback.Gateway.Templates;

/// <summary>
/// The limits of one prompt render and the checks the bounded writer, filters, ranges and captures make against them:
/// output size, the longest string and array a template may build, the render's deadline and the client's cancellation.
/// Carried in the render's <see cref="TemplateContext.AmbientValues"/>; used by one render at a time.
/// </summary>
internal sealed class TemplateBudget
{
    /// <summary>The key of the budget in <see cref="TemplateContext.AmbientValues"/>.</summary>
    public const string Key = "switchback.template-budget";

    private readonly TimeProvider time;
    private readonly long started;
    private readonly TimeSpan? timeout;
    private readonly CancellationToken cancellationToken;

    public TemplateBudget(int maxOutputBytes, int maxItems, TimeProvider time, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        MaxOutputBytes = maxOutputBytes;
        MaxItems = maxItems;
        this.time = time;
        this.timeout = timeout;
        this.cancellationToken = cancellationToken;
        started = time.GetTimestamp();
    }

    /// <summary>The most UTF-8 bytes the rendered prompt (or one capture) may have, and the most characters of any string a filter builds.</summary>
    public int MaxOutputBytes { get; }

    /// <summary>The longest range or array a template may build (the step limit: more could not be iterated anyway).</summary>
    public int MaxItems { get; }

    /// <summary>The budget of the render <paramref name="context"/> belongs to.</summary>
    public static TemplateBudget Of(TemplateContext context) => (TemplateBudget)context.AmbientValues[Key];

    /// <summary>Throws when the client has gone (<see cref="OperationCanceledException"/>) or the render is past its deadline.</summary>
    public void Check()
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (timeout is { } limit && time.GetElapsedTime(started) > limit)
        {
            throw new TemplateLimitException($"time limit of {limit.TotalMilliseconds:0} ms (the bundle's timeout, serving.timeout_ms or GatewayOptions.DefaultTimeout)");
        }
    }

    /// <summary>
    /// Throws when <paramref name="length"/> characters would make a string longer than the output limit;
    /// <paramref name="what"/> of <paramref name="filter"/> (if any) names the string in the message, built only then.
    /// </summary>
    public void CheckString(long length, string what, string? filter = null)
    {
        if (length > MaxOutputBytes)
        {
            throw new TemplateLimitException($"output limit of {MaxOutputBytes} bytes (GatewayOptions.TemplateMaxOutputBytes): {Subject(what, filter)} would be {length} characters long");
        }
    }

    /// <summary>Throws when <paramref name="count"/> items would make a range or array longer than the step limit.</summary>
    public void CheckItems(decimal count, string what, string? filter = null)
    {
        if (count > MaxItems)
        {
            throw new TemplateLimitException($"step limit of {MaxItems} steps (GatewayOptions.TemplateMaxSteps): {Subject(what, filter)} would have {count} items");
        }
    }

    /// <summary>Throws when a value a filter built is a string or array over the limits.</summary>
    public FluidValue Checked(FluidValue value, string filter)
    {
        switch (value)
        {
            case StringValue s:
                CheckString(s.ToStringValue().Length, "the result", filter);
                break;
            case ArrayValue a:
                CheckItems(a.Values.Count, "the result", filter);
                break;
        }

        return value;
    }

    private static string Subject(string what, string? filter) => filter is null ? what : $"{what} of '{filter}'";
}
