using System.Text.Json.Serialization;

namespace Switchback.UpstreamSim.Protocol;

/// <summary>Source-generated serialization, so nothing on the hot path reflects over types.</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class SimJsonContext : JsonSerializerContext;
