namespace Switchback.Bench.Detection;

/// <summary>A named method of the study and how to make a fresh instance of it for one run.</summary>
internal sealed record MethodSpec(string Name, Func<IMethod> Create);
