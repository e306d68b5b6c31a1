namespace Switchback.Core.OnlineEvaluators;

/// <summary>A configured deny pattern: a .NET regular expression whose match in a response is a safety violation.</summary>
/// <param name="Name">The detector name reported in results, e.g. <c>internal-hostnames</c>.</param>
/// <param name="Pattern">The .NET regular expression.</param>
/// <param name="IgnoreCase">Whether matching ignores case (culture-invariant).</param>
public sealed record DenyPattern(string Name, string Pattern, bool IgnoreCase = false);
