using Spectre.Console;

namespace Switchback.Cli.Demo;

/// <summary>How a demo runs.</summary>
/// <param name="Scenario">The scenario's name.</param>
/// <param name="Seed">Seed of the simulators and the traffic.</param>
/// <param name="Keep">Keep the temp folder (store) afterwards.</param>
/// <param name="Live">Show a live-updating view (an interactive terminal); else a progress line every few seconds.</param>
/// <param name="Console">Where the story is told.</param>
/// <param name="Time">The clock.</param>
internal sealed record DemoSettings(string Scenario, int Seed, bool Keep, bool Live, IAnsiConsole Console, TimeProvider Time);
