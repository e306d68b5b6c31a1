using ProtoBuf;

namespace Switchback.FunctionalTests.Infrastructure;

// The subset of the OTLP v1 protobuf messages (opentelemetry-proto: collector/trace, collector/metrics, trace, metrics,
// common) that the tests read, as protobuf-net contracts with the .proto's field numbers. The mirror serves no package with
// the generated OTLP types (OpenTelemetry.Proto is not served) and the .NET exporter 1.21.0 speaks only grpc and
// http/protobuf, not http/json, so the receiver decodes protobuf; fields not declared here are skipped by protobuf-net.
#pragma warning disable SA1402, CA1819 // contracts are plain data, kept together as in the .proto files

[ProtoContract]
internal sealed class ExportTraceServiceRequest
{
    [ProtoMember(1)] public List<ResourceSpans> ResourceSpans { get; set; } = [];
}

[ProtoContract]
internal sealed class ResourceSpans
{
    [ProtoMember(1)] public OtlpResource? Resource { get; set; }

    [ProtoMember(2)] public List<ScopeSpans> ScopeSpans { get; set; } = [];
}

[ProtoContract]
internal sealed class OtlpResource
{
    [ProtoMember(1)] public List<KeyValue> Attributes { get; set; } = [];
}

[ProtoContract]
internal sealed class InstrumentationScope
{
    [ProtoMember(1)] public string Name { get; set; } = string.Empty;
}

[ProtoContract]
internal sealed class ScopeSpans
{
    [ProtoMember(1)] public InstrumentationScope? Scope { get; set; }

    [ProtoMember(2)] public List<OtlpSpan> Spans { get; set; } = [];
}

[ProtoContract]
internal sealed class OtlpSpan
{
    [ProtoMember(1)] public byte[] TraceId { get; set; } = [];

    [ProtoMember(2)] public byte[] SpanId { get; set; } = [];

    [ProtoMember(4)] public byte[] ParentSpanId { get; set; } = [];

    [ProtoMember(5)] public string Name { get; set; } = string.Empty;

    [ProtoMember(6)] public int Kind { get; set; }

    [ProtoMember(9)] public List<KeyValue> Attributes { get; set; } = [];

    [ProtoMember(11)] public List<SpanEvent> Events { get; set; } = [];

    [ProtoMember(13)] public List<SpanLink> Links { get; set; } = [];

    /// <summary>The scope (instrumentation source) the span came in, filled by the receiver.</summary>
    public string Scope { get; set; } = string.Empty;
}

[ProtoContract]
internal sealed class SpanEvent
{
    [ProtoMember(2)] public string Name { get; set; } = string.Empty;

    [ProtoMember(3)] public List<KeyValue> Attributes { get; set; } = [];
}

[ProtoContract]
internal sealed class SpanLink
{
    [ProtoMember(1)] public byte[] TraceId { get; set; } = [];

    [ProtoMember(2)] public byte[] SpanId { get; set; } = [];
}

[ProtoContract]
internal sealed class KeyValue
{
    [ProtoMember(1)] public string Key { get; set; } = string.Empty;

    [ProtoMember(2)] public AnyValue? Value { get; set; }
}

[ProtoContract]
internal sealed class AnyValue
{
    [ProtoMember(1)] public string? StringValue { get; set; }

    [ProtoMember(2)] public bool? BoolValue { get; set; }

    [ProtoMember(3)] public long? IntValue { get; set; }

    [ProtoMember(4)] public double? DoubleValue { get; set; }

    [ProtoMember(5)] public ArrayValue? ArrayValue { get; set; }

    /// <summary>The value as text: strings as they are, numbers invariant, bools lower case, arrays joined by commas.</summary>
    public override string ToString()
        => StringValue ?? (BoolValue is { } b ? (b ? "true" : "false")
            : IntValue is { } i ? i.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : DoubleValue is { } d ? d.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : ArrayValue is { } a ? string.Join(",", a.Values) : string.Empty);
}

[ProtoContract]
internal sealed class ArrayValue
{
    [ProtoMember(1)] public List<AnyValue> Values { get; set; } = [];
}

[ProtoContract]
internal sealed class ExportMetricsServiceRequest
{
    [ProtoMember(1)] public List<ResourceMetrics> ResourceMetrics { get; set; } = [];
}

[ProtoContract]
internal sealed class ResourceMetrics
{
    [ProtoMember(2)] public List<ScopeMetrics> ScopeMetrics { get; set; } = [];
}

[ProtoContract]
internal sealed class ScopeMetrics
{
    [ProtoMember(2)] public List<OtlpMetric> Metrics { get; set; } = [];
}

[ProtoContract]
internal sealed class OtlpMetric
{
    [ProtoMember(1)] public string Name { get; set; } = string.Empty;

    [ProtoMember(3)] public string Unit { get; set; } = string.Empty;

    [ProtoMember(9)] public OtlpHistogram? Histogram { get; set; }
}

[ProtoContract]
internal sealed class OtlpHistogram
{
    [ProtoMember(1)] public List<HistogramDataPoint> DataPoints { get; set; } = [];
}

[ProtoContract]
internal sealed class HistogramDataPoint
{
    [ProtoMember(9)] public List<KeyValue> Attributes { get; set; } = [];

    [ProtoMember(4, DataFormat = DataFormat.FixedSize)] public ulong Count { get; set; }

    [ProtoMember(5)] public double? Sum { get; set; }
}
