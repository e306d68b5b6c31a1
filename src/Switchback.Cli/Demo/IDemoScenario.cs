using System.Text.Json.Nodes;

namespace Switchback.Cli.Demo;

/// <summary>One story <c>switchback demo --scenario NAME</c> can tell; a new one is one class and one line in <see cref="DemoScenarios"/>.</summary>
internal interface IDemoScenario
{
    /// <summary>The <c>--scenario</c> value.</summary>
    string Name { get; }

    /// <summary>One line for <c>--help</c>.</summary>
    string Description { get; }

    /// <summary>
    /// Tells the story on <paramref name="env"/> and returns its facts for <c>--output json</c>; throws
    /// <see cref="DemoFailedException"/> when the story did not happen as told.
    /// </summary>
    Task<JsonObject> RunAsync(DemoEnvironment env, DemoSettings settings, CancellationToken ct);
}
