using System.Globalization;
using System.Text;
using Switchback.Core.Rollouts;

namespace Switchback.Control.Runbooks;

/// <summary>Renders a <see cref="RunbookModel"/> as Markdown. Pure: the same model always gives the same text.</summary>
internal static partial class RunbookRenderer
{
    public static string Render(RunbookModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var d = model.Deployment;
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"# On-call runbook: {d}\n\n");
        md.Append(CultureInfo.InvariantCulture, $"Generated from live state at {Time(model.GeneratedAt)} UTC. Do not copy it into a wiki: run `switchback runbook {d}` again when you need it.\n\n");
        Rollback(md, model);
        Verify(md, model);
        Routing(md, model);
        Aliases(md, model);
        Rollout(md, model.ActiveRollout);
        Drill(md, model);
        Health(md, model);
        Versions(md, model);
        md.Append("## Docs\n\n");
        md.Append("- Drills and runbooks: `docs/drills-and-runbooks.md`\n");
        md.Append("- Rollouts, guardrails and rollback: `docs/rollouts.md`\n");
        md.Append("- Gateway routing and health: `docs/gateway.md`\n");
        md.Append("- Every CLI verb: `docs/cli.md`\n");
        return md.ToString();
    }

    private static void Rollback(StringBuilder md, RunbookModel model)
    {
        var d = model.Deployment;
        md.Append("## Roll back\n\n");
        if (model.RollbackTarget is { } target)
        {
            md.Append(CultureInfo.InvariantCulture, $"Route 100 % of {d} back to version {target} (a routing change, no redeploy):\n\n");
            md.Append(CultureInfo.InvariantCulture, $"```sh\n{RollbackCommand(d, target)}\n```\n\n");
            if (model.ActiveRollout is { } active)
            {
                md.Append(CultureInfo.InvariantCulture, $"This also aborts rollout `{active.Id}` (candidate {active.CandidateVersion}).\n\n");
            }

            md.Append("It refuses a target that is not healthy; `--force` overrides that, only when you know the target's upstream is fine.\n\n");
        }
        else
        {
            md.Append(CultureInfo.InvariantCulture, $"> **Warning:** {d} has no previous stable version, so `switchback rollback {d}` has no default target. Name one with `--to V` from the versions below.\n\n");
        }
    }

    /// <summary>The exact command on-call types; the reason stays for them to fill in.</summary>
    public static string RollbackCommand(string deployment, int target)
        => $"switchback rollback {deployment} --to {target.ToString(CultureInfo.InvariantCulture)} --reason \"…\"";

    private static void Verify(StringBuilder md, RunbookModel model)
    {
        var d = model.Deployment;
        md.Append("## Check that the rollback worked\n\n```sh\n");
        md.Append(CultureInfo.InvariantCulture, $"switchback history {d}          # the rollback and the routing change, with who and why\n");
        md.Append(CultureInfo.InvariantCulture, $"switchback rollout status {d}   # the rollout's phase is rolled_back or aborted\n");
        md.Append("```\n\n");
        md.Append(CultureInfo.InvariantCulture, $"`GET /api/v1/deployments/{d}/routing` must show `stable` = the target and no candidate; responses carry `x-switchback-version`.\n\n");
    }

    private static void Routing(StringBuilder md, RunbookModel model)
    {
        var r = model.Routing;
        md.Append("## Current routing\n\n| role | version | traffic |\n|---|---|---|\n");
        md.Append(CultureInfo.InvariantCulture, $"| stable | {r.StableVersion} | {Percent(10_000 - r.CandidateWeightBps)} |\n");
        if (r.CandidateVersion is { } c)
        {
            md.Append(CultureInfo.InvariantCulture, $"| candidate | {c} | {Percent(r.CandidateWeightBps)} |\n");
        }

        if (r.ShadowVersion is { } s)
        {
            md.Append(CultureInfo.InvariantCulture, $"| shadow | {s} | {Percent(r.ShadowSampleBps)} mirrored, never answers users |\n");
        }

        md.Append(CultureInfo.InvariantCulture, $"\nSticky key: {r.StickySource.ToString().ToLowerInvariant()}. Routing generation: {r.Generation}.\n\n");
    }

    private static void Aliases(StringBuilder md, RunbookModel model)
    {
        md.Append("## Aliases\n\n| alias | version |\n|---|---|\n");
        foreach (var (alias, version) in model.Aliases.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            md.Append(CultureInfo.InvariantCulture, $"| {Cell(alias)} | {version} |\n");
        }

        md.Append('\n');
    }

    private static void Rollout(StringBuilder md, RolloutState? active)
    {
        md.Append("## Active rollout\n\n");
        if (active is null)
        {
            md.Append("None.\n\n");
            return;
        }

        md.Append(CultureInfo.InvariantCulture, $"`{active.Id}`: candidate {active.CandidateVersion} against stable {active.StableVersion}, phase **{Snake(active.Phase.ToString())}**, step {Math.Min(active.StepIndex + 1, active.Spec.Steps.Length)} of {active.Spec.Steps.Length}.");
        md.Append(active.ReasonText.Length > 0 ? $" {active.ReasonText}\n\n" : "\n\n");
        if (active.Spec.Guardrails.Length == 0)
        {
            md.Append("> **Warning:** this rollout has no guardrails: nothing rolls it back automatically.\n\n");
            return;
        }

        md.Append("| signal | rule | severity |\n|---|---|---|\n");
        foreach (var g in active.Spec.Guardrails)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {g.Signal} | {Rule(g)} | {Snake(g.Severity.ToString())} |\n");
        }

        md.Append("\nHard guardrails roll back automatically; soft ones pause the rollout and alert.\n\n");
    }
}
