using Switchback.Cli.Demo.Scenarios;

namespace Switchback.Cli.Demo;

/// <summary>The scenarios <c>switchback demo</c> knows; the first is the default.</summary>
internal static class DemoScenarios
{
    public static IReadOnlyList<IDemoScenario> All { get; } = [new CanaryScenario(), new SilentScenario()];

    public static IDemoScenario? Find(string name) => All.FirstOrDefault(s => s.Name == name);
}
