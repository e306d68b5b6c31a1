namespace Switchback.FunctionalTests.Fleet;

/// <summary>
/// The fleet tests run three replicas under load each and measure propagation in milliseconds: they run alone, not beside
/// another test class, so the two shared cores are theirs.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FleetCollection
{
    public const string Name = "fleet";
}
