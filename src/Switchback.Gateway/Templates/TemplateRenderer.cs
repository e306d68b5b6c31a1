using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fluid;
using Microsoft.Extensions.Options;
using Switchback.Gateway.Application;
using Switchback.Gateway.Bundles;
using Switchback.Gateway.Hosting;

namespace Switchback.Gateway.Templates;

/// <summary>
/// Compiles and renders bundles' <c>prompt.system</c> templates within the gateway's limits (<see cref="GatewayOptions"/>):
/// Fluid's step and nesting limits, an output of at most <see cref="MaxOutputBytes"/>, no string a filter or capture builds
/// longer than that and no range or array longer than the step limit (<see cref="BoundingRewriter"/>,
/// <see cref="TemplateFilters"/>), and the bundle's timeout and the client's cancellation checked as the template writes
/// and calls filters. A limit gives 400 <c>template_limit_exceeded</c> naming it. Thread-safe: one
/// <see cref="TemplateOptions"/>, its filters guarded once, serves every render.
/// </summary>
internal sealed class TemplateRenderer
{
    private static readonly FluidParser Parser = new();

    // Fluid 2.41 throws one message, about recursion, for both the step and the nesting limit; its step counter tells them apart.
    private static readonly FieldInfo? StepsField = typeof(TemplateContext).GetField("_steps", BindingFlags.NonPublic | BindingFlags.Instance);

    private readonly TemplateOptions options;
    private readonly TimeProvider time;
    private readonly TimeSpan defaultTimeout;

    public TemplateRenderer(IOptions<GatewayOptions> gatewayOptions, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(gatewayOptions);
        var gateway = gatewayOptions.Value;
        this.time = time;
        defaultTimeout = gateway.DefaultTimeout;
        MaxSteps = gateway.TemplateMaxSteps;
        MaxRecursion = gateway.TemplateMaxRecursion;
        MaxOutputBytes = (int)Math.Min(gateway.TemplateMaxOutputBytes, gateway.MaxRequestBodyBytes);
        options = new TemplateOptions { StrictVariables = true, MaxSteps = MaxSteps, MaxRecursion = MaxRecursion };
        TemplateFilters.Guard(options.Filters);
    }

    /// <summary>The most steps one render may take (<see cref="GatewayOptions.TemplateMaxSteps"/>).</summary>
    public int MaxSteps { get; }

    /// <summary>The deepest loops may nest (<see cref="GatewayOptions.TemplateMaxRecursion"/>).</summary>
    public int MaxRecursion { get; }

    /// <summary>The largest rendered prompt in UTF-8 bytes: <see cref="GatewayOptions.TemplateMaxOutputBytes"/>, never more than the request body limit.</summary>
    public int MaxOutputBytes { get; }

    /// <summary>The template of a <c>prompt.system</c> source with its ranges and captures bounded, or why it does not parse.</summary>
    public static (IFluidTemplate? Template, string? Error) Compile(string source)
        => Parser.TryParse(source, out var template, out var error) ? (BoundingRewriter.Rewrite(template), null) : (null, error);

    /// <summary>
    /// Renders <paramref name="bundle"/>'s <c>prompt.system</c> with its own variables overridden by <paramref name="variables"/>,
    /// or returns the 400 to answer with. <paramref name="timed"/> bounds the render by the bundle's timeout (off for the
    /// cached render of the bundle's own variables, which must not depend on the clock). Throws
    /// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires: the client has gone.
    /// </summary>
    public (string? Text, ApplyError? Error) Render(ServingBundle bundle, IReadOnlyDictionary<string, JsonNode?> variables, bool timed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(variables);
        var context = new TemplateContext(options);
        TimeSpan? timeout = timed ? (bundle.TimeoutMs is { } ms ? TimeSpan.FromMilliseconds(ms) : defaultTimeout) : null;
        var budget = new TemplateBudget(MaxOutputBytes, MaxSteps, time, timeout, cancellationToken);
        context.AmbientValues[TemplateBudget.Key] = budget;
        var writer = new BoundedTemplateWriter(budget);
        try
        {
            budget.Check();
            foreach (var (name, value) in bundle.Variables)
            {
                context.SetValue(name, ToClr(value));
            }

            foreach (var (name, value) in variables)
            {
                context.SetValue(name, ToClr(value));
            }

            var pending = bundle.SystemTemplate!.RenderAsync(writer, context, NullEncoder.Default, isolateContext: false);

            // Every writer and filter here is synchronous, so the render has finished by now unless a future Fluid yields.
            if (pending.IsCompleted)
            {
                pending.GetAwaiter().GetResult();
            }
            else
            {
                pending.AsTask().GetAwaiter().GetResult();
            }

            return (writer.ToString(), null);
        }
        catch (TemplateLimitException ex)
        {
            return (null, LimitExceeded(bundle, ex.Message));
        }
        catch (InvalidOperationException ex) when (ex.Message.StartsWith("The maximum", StringComparison.Ordinal))
        {
            return (null, LimitExceeded(bundle, FluidLimit(context)));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return (null, new ApplyError(400, "invalid_request_error", "template_render_failed", $"the prompt.system template of {bundle.Deployment}@{bundle.Version} could not be rendered: {ex.Message}"));
        }
    }

    private string FluidLimit(TemplateContext context)
    {
        var steps = $"step limit of {MaxSteps} steps (GatewayOptions.TemplateMaxSteps)";
        var nesting = $"nesting limit of {MaxRecursion} levels (GatewayOptions.TemplateMaxRecursion)";
        return StepsField?.GetValue(context) is int taken ? (taken > MaxSteps ? steps : nesting) : $"{steps} or its {nesting}";
    }

    private static ApplyError LimitExceeded(ServingBundle bundle, string limit)
        => new(400, "invalid_request_error", "template_limit_exceeded", $"the prompt.system template of {bundle.Deployment}@{bundle.Version} was stopped by the gateway's {limit}");

    private static object? ToClr(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.True => true,
        JsonValue v when v.GetValueKind() == JsonValueKind.False => false,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.TryGetValue<long>(out var l) ? l : double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture),
        _ => node.ToJsonString(),
    };
}
