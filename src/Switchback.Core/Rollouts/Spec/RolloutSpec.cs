using System.Collections.Immutable;
using Switchback.Core.Manifests;

namespace Switchback.Core.Rollouts;

/// <summary>
/// A validated <c>kind: Rollout</c> document, its strategy compiled into <see cref="Steps"/> (see docs/rollouts.md).
/// </summary>
/// <param name="Deployment">The deployment rolled out.</param>
/// <param name="Candidate">The version rolled out; null when the manifest leaves it to <c>rollout start --to V</c>.</param>
/// <param name="Strategy">The strategy the steps were compiled from.</param>
/// <param name="Steps">The plan, in order; never empty.</param>
/// <param name="KeepWarm">Blue-green: how long the previous version stays warm after the switch; null for other strategies.</param>
/// <param name="Guardrails">The guardrails, in manifest order.</param>
/// <param name="Alpha">The false-rollback budget for the whole rollout, 0 &lt; α &lt; 0.5 (default 0.01).</param>
/// <param name="RollbackWindow">Rolling back to a version that served within this window skips every step (default 24h).</param>
/// <param name="Alerts">Alert targets.</param>
/// <param name="Gate">The offline gate checked before any user traffic, if any.</param>
public sealed record RolloutSpec(
    string Deployment,
    int? Candidate,
    RolloutStrategy Strategy,
    ImmutableArray<RolloutStep> Steps,
    TimeSpan? KeepWarm,
    ImmutableArray<GuardrailSpec> Guardrails,
    double Alpha,
    TimeSpan RollbackWindow,
    ImmutableArray<AlertTarget> Alerts,
    GateSpec? Gate)
{
    /// <summary>The default <c>alpha</c>.</summary>
    public const double DefaultAlpha = 0.01;

    /// <summary>The default <c>min_requests</c> of a timed step (per measured arm).</summary>
    public const long DefaultMinRequests = 100;

    /// <summary>The default <c>rollback_window</c>.</summary>
    public static readonly TimeSpan DefaultRollbackWindow = TimeSpan.FromHours(24);

    /// <summary>The default blue-green <c>keep_warm</c>.</summary>
    public static readonly TimeSpan DefaultKeepWarm = TimeSpan.FromHours(1);

    /// <summary>The canary plan used when <c>steps</c> is omitted: 1 % 5m, 5 % 10m, 25 % 10m, 50 % 10m, then 100 %.</summary>
    public static ImmutableArray<RolloutStep> DefaultCanarySteps { get; } =
    [
        new CanaryStep(1, TimeSpan.FromMinutes(5), DefaultMinRequests),
        new CanaryStep(5, TimeSpan.FromMinutes(10), DefaultMinRequests),
        new CanaryStep(25, TimeSpan.FromMinutes(10), DefaultMinRequests),
        new CanaryStep(50, TimeSpan.FromMinutes(10), DefaultMinRequests),
        new CanaryStep(100, null, DefaultMinRequests),
    ];

    /// <summary>
    /// The plan says, with <c>unverified: true</c>, that it may promote without measuring anything (for example a bare
    /// <c>canary: {weight: 100}</c>): accepted then, and shown as unverified in status and history; refused otherwise.
    /// </summary>
    public bool Unverified { get; init; }

    /// <summary>
    /// <c>promote_when: no_harm_shown</c> with its <c>margin</c>: the last step that still has a baseline passes only when every
    /// comparative guardrail has shown, anytime-validly, that the candidate is worse by less than this margin (0.2 ⇒ its
    /// rate below 1.2 × <c>max_ratio</c> × the baseline's); null when promotion only needs no breach (the default).
    /// </summary>
    public double? NoHarmMargin { get; init; }

    /// <summary>The index of the last timed canary step below 100 % (the last with a baseline to compare); null when none.</summary>
    public int? LastComparedStep
    {
        get
        {
            for (var i = Steps.Length - 1; i >= 0; i--)
            {
                if (Steps[i] is CanaryStep { Duration: not null } c && c.WeightBps < Routing.RoutingState.FullBps)
                {
                    return i;
                }
            }

            return null;
        }
    }

    /// <summary>The default <c>margin</c> of <c>promote_when: no_harm_shown</c>.</summary>
    public const double DefaultNoHarmMargin = 0.2;

    /// <summary>
    /// Whether some step measures the candidate before it takes all traffic: a timed canary below 100 %, a shadow, a shadow
    /// preview, a timed step that needs requests (a 100 % canary or a key preview with <c>min_requests</c> above 0), or a pause
    /// that waits for an operator to promote.
    /// </summary>
    public bool Measures => Steps.Any(s => s switch
    {
        CanaryStep { Duration: not null } c => c.WeightBps < Routing.RoutingState.FullBps || c.MinRequests > 0,
        ShadowStep => true,
        PreviewStep p => p.Mode == PreviewMode.Shadow || p.MinRequests > 0,

        // A pause with no duration waits for an operator's promote: a person checks, on purpose.
        PauseStep { Duration: null } => true,
        _ => false,
    });

    /// <summary>The guardrails that compare with the baseline; they share <see cref="Alpha"/>.</summary>
    public int ComparativeGuardrails => Guardrails.Count(g => g.Rule == GuardrailRule.CompareBaseline);

    /// <summary>Validates <paramref name="manifest"/>'s spec; <paramref name="source"/> names the file in errors.</summary>
    public static RolloutSpecResult Parse(RolloutManifest manifest, string source)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(source);
        return new RolloutSpecParser(source, manifest.Index).Parse(manifest.Deployment, manifest.Spec);
    }
}
