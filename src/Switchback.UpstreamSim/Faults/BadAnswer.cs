namespace Switchback.UpstreamSim.Faults;

/// <summary>The kind of silently bad 200 answer a silent-regression request gets.</summary>
internal enum BadAnswer
{
    None,
    Wrong,
    Refusal,
    InvalidJson,
    Email,
    CardNumber,
}
