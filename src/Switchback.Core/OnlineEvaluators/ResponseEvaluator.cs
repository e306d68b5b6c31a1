using System.Buffers;
using System.Collections.Immutable;
using System.IO.Hashing;
using System.Text;
using Switchback.Core.OnlineEvaluators.Detectors;

namespace Switchback.Core.OnlineEvaluators;

/// <summary>
/// Runs the online evaluators on responses of one deployment version: safety (deny patterns and PII), JSON validity
/// and schema conformance, refusal, emptiness and length. Built once from <see cref="EvaluatorOptions"/> and reused for
/// every response; immutable apart from the bounded schema cache, and thread-safe. Pure: no I/O, no clock.
/// </summary>
public sealed class ResponseEvaluator
{
    private readonly ImmutableArray<CompiledDenyPattern> _denyPatterns;
    private readonly RefusalDetector _refusals;
    private readonly SchemaCache _schemas;
    private readonly ulong _sampleThreshold;

    /// <summary>Compiles <paramref name="options"/>; throws <see cref="EvaluatorOptionsException"/> when they are invalid.</summary>
    public ResponseEvaluator(EvaluatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new EvaluatorOptionsException(errors);
        }

        Options = options;
        var denyPatterns = ImmutableArray.CreateBuilder<CompiledDenyPattern>(options.DenyPatterns.Length);
        foreach (var deny in options.DenyPatterns)
        {
            DenyPatternCompiler.TryCompile(deny, options.PatternTimeout, out var compiled);
            denyPatterns.Add(compiled!);
        }

        _denyPatterns = denyPatterns.MoveToImmutable();
        _refusals = new RefusalDetector(options.DetectRefusals ? options.RefusalPhrases : [], options.RefusalWindowChars);
        _schemas = new SchemaCache(options.SchemaCacheSize);
        _sampleThreshold = options.SampleRate >= 1 ? ulong.MaxValue : (ulong)(options.SampleRate * ulong.MaxValue);
    }

    /// <summary>The options this evaluator was built from.</summary>
    public EvaluatorOptions Options { get; }

    /// <summary>How many deny patterns need the backtracking engine (and so rely on their timeout).</summary>
    public int BacktrackingPatternCount => _denyPatterns.Count(p => p.Backtracking);

    /// <summary>
    /// Whether the response to <paramref name="requestId"/> is in the sample. Decided by a hash of the id, so every
    /// replica, and a re-run, picks the same responses.
    /// </summary>
    public bool ShouldEvaluate(string requestId)
    {
        ArgumentNullException.ThrowIfNull(requestId);
        if (_sampleThreshold == ulong.MaxValue)
        {
            return true;
        }

        return XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(requestId)) < _sampleThreshold;
    }

    /// <summary>Evaluates one response.</summary>
    public EvaluationResult Evaluate(EvaluationInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var text = ScannedText.From(input, Options.MaxScanChars);
        var scanned = text.Scanned.Span;
        var detectors = ImmutableArray.CreateBuilder<string>();
        var timeouts = ScanSafety(scanned, detectors);
        var json = input.ResponseFormat.WantsJson ? CheckJson(input) : default;
        return new EvaluationResult
        {
            SafetyDetectors = detectors.ToImmutable(),
            EvaluatorTimeouts = timeouts,
            JsonInvalid = json.Invalid,
            SchemaInvalid = json.SchemaInvalid,
            JsonDetail = json.Detail,
            Refusal = _refusals.IsRefusal(scanned),
            Empty = !text.Partial && IsBlank(scanned),
            ResponseLength = text.TotalLength,
            Truncated = input.IsTruncated,
            ScannedPartially = text.Partial,
            InvalidUtf8 = text.InvalidUtf8,
        };
    }

    private int ScanSafety(ReadOnlySpan<char> scanned, ImmutableArray<string>.Builder detectors)
    {
        // The '@' pre-check is vectorised and spares most answers the regular expression.
        if (Options.DetectEmails && scanned.Contains('@') && PiiPatterns.Email.IsMatch(scanned))
        {
            detectors.Add(DetectorNames.Email);
        }

        if (Options.DetectPhoneNumbers && PhoneDetector.Contains(scanned))
        {
            detectors.Add(DetectorNames.Phone);
        }

        if (Options.DetectPaymentCards && PaymentCardDetector.Contains(scanned))
        {
            detectors.Add(DetectorNames.PaymentCard);
        }

        var timeouts = 0;
        foreach (var deny in _denyPatterns)
        {
            switch (deny.Matches(scanned))
            {
                case true:
                    detectors.Add(deny.DetectorName);
                    break;
                case null:
                    timeouts++;
                    break;
            }
        }

        return timeouts;
    }

    private JsonOutcome CheckJson(EvaluationInput input)
    {
        if (input.Text is null)
        {
            return input.Utf8.Length > Options.MaxJsonBytes ? TooLarge(input.Utf8.Length) : CheckJson(input.Utf8.Span, input);
        }

        var byteCount = Encoding.UTF8.GetByteCount(input.Text);
        if (byteCount > Options.MaxJsonBytes)
        {
            return TooLarge(byteCount);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(byteCount, 1));
        try
        {
            var status = System.Text.Unicode.Utf8.FromUtf16(input.Text, buffer, out _, out var written, replaceInvalidSequences: false);
            return status == OperationStatus.Done
                ? CheckJson(buffer.AsSpan(0, written), input)
                : new JsonOutcome(true, null, "the response holds unpaired surrogates: it is not valid Unicode");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private JsonOutcome CheckJson(ReadOnlySpan<byte> utf8, EvaluationInput input)
    {
        var format = input.ResponseFormat;
        var syntaxError = JsonChecker.Check(utf8, Options.MaxJsonDepth, requireObject: format.Kind == ResponseFormatKind.JsonObject);
        if (syntaxError is not null)
        {
            var cut = input.IsTruncated ? " (the response was truncated)" : string.Empty;
            return new JsonOutcome(true, null, syntaxError + cut);
        }

        if (format.Kind != ResponseFormatKind.JsonSchema)
        {
            return new JsonOutcome(false, null, null);
        }

        var schema = _schemas.Get(format.SchemaText!);
        if (schema.Schema is null)
        {
            return new JsonOutcome(false, null, schema.Error);
        }

        var violation = SchemaConformance.Check(schema, utf8, Options.MaxJsonDepth);
        return new JsonOutcome(false, violation is not null, violation);
    }

    private static JsonOutcome TooLarge(int bytes) => new(null, null, $"not judged: {bytes} bytes is more than json.max_bytes");

    // Zero-width characters count as blank: a model that emits only U+200B has said nothing.
    private static bool IsBlank(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsWhiteSpace(c) && c is not ('\u200B' or '\u200C' or '\u200D' or '\u2060' or '\uFEFF'))
            {
                return false;
            }
        }

        return true;
    }

    private readonly record struct JsonOutcome(bool? Invalid, bool? SchemaInvalid, string? Detail);
}
