using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Switchback.Core.OnlineEvaluators.Detectors;

namespace Switchback.Core.OnlineEvaluators;

public sealed partial record EvaluatorOptions
{
    /// <summary>
    /// Reads the bundle manifest's <c>evaluators:</c> section (see docs/evaluators.md). Absent fields keep their defaults;
    /// unknown fields, wrong types and out-of-range values throw <see cref="EvaluatorOptionsException"/> listing every
    /// problem with its field path under <paramref name="root"/>.
    /// </summary>
    public static EvaluatorOptions FromJson(JsonObject json, string root = "evaluators")
    {
        ArgumentNullException.ThrowIfNull(json);
        var errors = new List<EvaluatorOptionsError>();
        var read = new OptionsJsonReader(errors);
        read.RejectUnknown(json, root, "sample_rate", "max_scan_chars", "safety", "refusal", "json");
        var options = Default with
        {
            SampleRate = read.Number(json, "sample_rate", root, Default.SampleRate),
            MaxScanChars = read.Integer(json, "max_scan_chars", root, Default.MaxScanChars),
        };
        options = ReadSafety(read.Object(json, "safety", root), $"{root}.safety", read, options);
        options = ReadRefusal(read.Object(json, "refusal", root), $"{root}.refusal", read, options);
        options = ReadJson(read.Object(json, "json", root), $"{root}.json", read, options);
        // Fields that failed to read kept their defaults, so validating now reports only the remaining problems.
        errors.AddRange(options.Validate(root));

        return errors.Count == 0 ? options : throw new EvaluatorOptionsException(errors);
    }

    private static EvaluatorOptions ReadSafety(JsonObject? safety, string path, OptionsJsonReader read, EvaluatorOptions options)
    {
        if (safety is null)
        {
            return options;
        }

        read.RejectUnknown(safety, path, "pii", "deny", "pattern_timeout_ms");
        var timeout = read.Number(safety, "pattern_timeout_ms", path, options.PatternTimeout.TotalMilliseconds);
        options = options with { PatternTimeout = TimeSpan.FromMilliseconds(Math.Clamp(timeout, 0, 3_600_000)) };
        if (read.Object(safety, "pii", path) is { } pii)
        {
            var at = $"{path}.pii";
            read.RejectUnknown(pii, at, "email", "phone", "payment_card");
            options = options with
            {
                DetectEmails = read.Bool(pii, "email", at, options.DetectEmails),
                DetectPhoneNumbers = read.Bool(pii, "phone", at, options.DetectPhoneNumbers),
                DetectPaymentCards = read.Bool(pii, "payment_card", at, options.DetectPaymentCards),
            };
        }

        if (read.Array(safety, "deny", path) is not { } deny)
        {
            return options;
        }

        var patterns = ImmutableArray.CreateBuilder<DenyPattern>();
        for (var i = 0; i < deny.Count; i++)
        {
            var at = $"{path}.deny[{i}]";
            if (deny[i] is not JsonObject entry)
            {
                read.Error(at, "expected a map with name and pattern");
                continue;
            }

            read.RejectUnknown(entry, at, "name", "pattern", "ignore_case");
            var name = read.String(entry["name"], $"{at}.name");
            var pattern = read.String(entry["pattern"], $"{at}.pattern");
            var ignoreCase = read.Bool(entry, "ignore_case", at, false);
            if (name is not null && pattern is not null)
            {
                patterns.Add(new DenyPattern(name, pattern, ignoreCase));
            }
        }

        return options with { DenyPatterns = patterns.ToImmutable() };
    }

    private static EvaluatorOptions ReadRefusal(JsonObject? refusal, string path, OptionsJsonReader read, EvaluatorOptions options)
    {
        if (refusal is null)
        {
            return options;
        }

        read.RejectUnknown(refusal, path, "enabled", "phrases", "include_default_phrases", "window_chars");
        var includeDefaults = read.Bool(refusal, "include_default_phrases", path, true);
        var phrases = ImmutableArray.CreateBuilder<string>();
        if (includeDefaults)
        {
            phrases.AddRange(DefaultRefusalPhrases);
        }

        if (read.Array(refusal, "phrases", path) is { } list)
        {
            for (var i = 0; i < list.Count; i++)
            {
                // Checked here so the path carries the user's index, not the index after the default phrases.
                var at = $"{path}.phrases[{i}]";
                if (read.String(list[i], at) is not { } phrase)
                {
                    continue;
                }

                if (string.IsNullOrWhiteSpace(phrase) || phrase.Length > 200)
                {
                    read.Error(at, "expected a phrase of 1..200 characters that is not only white space");
                    continue;
                }

                phrases.Add(phrase);
            }
        }

        return options with
        {
            DetectRefusals = read.Bool(refusal, "enabled", path, options.DetectRefusals),
            RefusalPhrases = phrases.ToImmutable(),
            RefusalWindowChars = read.Integer(refusal, "window_chars", path, options.RefusalWindowChars),
        };
    }

    private static EvaluatorOptions ReadJson(JsonObject? json, string path, OptionsJsonReader read, EvaluatorOptions options)
    {
        if (json is null)
        {
            return options;
        }

        read.RejectUnknown(json, path, "max_depth", "max_bytes", "schema_cache_size");
        return options with
        {
            MaxJsonDepth = read.Integer(json, "max_depth", path, options.MaxJsonDepth),
            MaxJsonBytes = read.Integer(json, "max_bytes", path, options.MaxJsonBytes),
            SchemaCacheSize = read.Integer(json, "schema_cache_size", path, options.SchemaCacheSize),
        };
    }
}
