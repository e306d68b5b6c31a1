namespace Switchback.UpstreamSim.Hosting;

/// <summary>What differs between chat and text-completion chunks, and whether a chat answer is a function call.</summary>
internal sealed record StreamShape(string Id, string ObjectName, string Model, bool Chat, ToolCall? Call = null);
