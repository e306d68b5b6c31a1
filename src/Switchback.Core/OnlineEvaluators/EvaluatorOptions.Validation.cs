using Switchback.Core.OnlineEvaluators.Detectors;

namespace Switchback.Core.OnlineEvaluators;

public sealed partial record EvaluatorOptions
{
    /// <summary>The largest allowed <see cref="MaxScanChars"/>.</summary>
    public const int ScanCharsLimit = 16 * 1024 * 1024;

    /// <summary>
    /// Every problem with these options, with field paths under <paramref name="root"/> as the manifest spells them;
    /// deny patterns are compiled to find syntax errors. Empty when the options are usable.
    /// </summary>
    public IReadOnlyList<EvaluatorOptionsError> Validate(string root = "evaluators")
    {
        var errors = new List<EvaluatorOptionsError>();
        void Check(bool ok, string path, string message)
        {
            if (!ok)
            {
                errors.Add(new EvaluatorOptionsError($"{root}.{path}", message));
            }
        }

        Check(SampleRate is >= 0 and <= 1, "sample_rate", $"{SampleRate} is out of range: expected a number from 0 to 1");
        Check(MaxScanChars is >= 1 and <= ScanCharsLimit, "max_scan_chars", $"{MaxScanChars} is out of range: expected 1..{ScanCharsLimit}");
        Check(
            PatternTimeout >= TimeSpan.FromMilliseconds(1) && PatternTimeout <= TimeSpan.FromSeconds(10),
            "safety.pattern_timeout_ms",
            $"{PatternTimeout.TotalMilliseconds} is out of range: expected 1..10000 milliseconds");
        ValidateDenyPatterns(Check);
        ValidateRefusal(Check);
        Check(MaxJsonDepth is >= 1 and <= 1000, "json.max_depth", $"{MaxJsonDepth} is out of range: expected 1..1000");
        Check(MaxJsonBytes is >= 1 and <= 64 * 1024 * 1024, "json.max_bytes", $"{MaxJsonBytes} is out of range: expected 1..67108864");
        Check(SchemaCacheSize is >= 0 and <= 10_000, "json.schema_cache_size", $"{SchemaCacheSize} is out of range: expected 0..10000");
        return errors;
    }

    private void ValidateDenyPatterns(Action<bool, string, string> check)
    {
        var patterns = DenyPatterns.IsDefault ? [] : DenyPatterns;
        check(patterns.Length <= 100, "safety.deny", $"{patterns.Length} patterns: expected at most 100");
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < patterns.Length; i++)
        {
            var deny = patterns[i];
            var at = $"safety.deny[{i}]";
            if (deny is null)
            {
                check(false, at, "expected a pattern, found nothing");
                continue;
            }

            check(DetectorNames.IsValidPatternName(deny.Name), $"{at}.name", $"'{deny.Name}' is not a valid name: expected 1..64 of a-z, 0-9, '-', '_', '.'");
            check(names.Add(deny.Name ?? string.Empty), $"{at}.name", $"'{deny.Name}' is used by an earlier pattern: expected unique names");
            if (string.IsNullOrEmpty(deny.Pattern) || deny.Pattern.Length > 1000)
            {
                check(false, $"{at}.pattern", "expected a regular expression of 1..1000 characters");
                continue;
            }

            var compileError = DenyPatternCompiler.TryCompile(deny, PatternTimeout, out _);
            check(compileError is null, $"{at}.pattern", compileError ?? string.Empty);
        }
    }

    private void ValidateRefusal(Action<bool, string, string> check)
    {
        var phrases = RefusalPhrases.IsDefault ? [] : RefusalPhrases;
        check(phrases.Length <= 200, "refusal.phrases", $"{phrases.Length} phrases: expected at most 200");
        for (var i = 0; i < phrases.Length; i++)
        {
            var phrase = phrases[i];
            check(
                !string.IsNullOrWhiteSpace(phrase) && phrase.Length <= 200,
                $"refusal.phrases[{i}]",
                "expected a phrase of 1..200 characters that is not only white space");
        }

        check(
            RefusalWindowChars is >= 1 and <= ScanCharsLimit,
            "refusal.window_chars",
            $"{RefusalWindowChars} is out of range: expected 1..{ScanCharsLimit}");
    }
}
