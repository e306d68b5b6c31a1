namespace Switchback.Bench.Detection;

/// <summary>One row group of the study: a scenario at one canary weight and one request rate.</summary>
internal sealed record Cell(int ScenarioIndex, Scenario Scenario, double Weight, int Rps);
