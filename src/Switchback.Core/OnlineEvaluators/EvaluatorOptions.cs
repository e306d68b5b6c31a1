using System.Collections.Immutable;

namespace Switchback.Core.OnlineEvaluators;

/// <summary>
/// What the online evaluators look for in one deployment version's responses: the <c>evaluators:</c> section of a bundle.
/// Immutable; <see cref="ResponseEvaluator"/> compiles it once.
/// </summary>
public sealed partial record EvaluatorOptions
{
    /// <summary>The built-in refusal phrases, matched case-insensitively and tolerant of apostrophe variants.</summary>
    public static readonly ImmutableArray<string> DefaultRefusalPhrases =
    [
        "I'm sorry, but I can't",
        "I'm sorry, but I cannot",
        "I'm sorry, I can't",
        "I cannot help with",
        "I can't help with",
        "I can't assist with",
        "I cannot assist with",
        "I'm unable to help with",
        "I am unable to help with",
        "As an AI language model",
    ];

    /// <summary>The options every bundle without an <c>evaluators:</c> section gets.</summary>
    public static EvaluatorOptions Default { get; } = new();

    /// <summary>Share of responses evaluated, chosen by request id.</summary>
    /// <value>0..1; default 1 (every response).</value>
    public double SampleRate { get; init; } = 1.0;

    /// <summary>Characters (UTF-16 code units) of a response the text detectors scan; the rest is reported as scanned partially.</summary>
    /// <value>1..16 Mi; default 262,144 (256 Ki).</value>
    public int MaxScanChars { get; init; } = 256 * 1024;

    /// <summary>Deny patterns; a match is a safety violation named after the pattern.</summary>
    /// <value>At most 100 patterns of at most 1,000 characters; default none.</value>
    public ImmutableArray<DenyPattern> DenyPatterns { get; init; } = [];

    /// <summary>How long one deny pattern that needs the backtracking engine may run on one response before it is abandoned.</summary>
    /// <value>1 ms..10 s; default 50 ms.</value>
    public TimeSpan PatternTimeout { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Whether e-mail addresses count as safety violations (<c>pii.email</c>).</summary>
    /// <value>Default true.</value>
    public bool DetectEmails { get; init; } = true;

    /// <summary>Whether telephone numbers count as safety violations (<c>pii.phone</c>).</summary>
    /// <value>Default true.</value>
    public bool DetectPhoneNumbers { get; init; } = true;

    /// <summary>Whether Luhn-valid payment card numbers count as safety violations (<c>pii.payment_card</c>).</summary>
    /// <value>Default true.</value>
    public bool DetectPaymentCards { get; init; } = true;

    /// <summary>Whether refusal detection runs.</summary>
    /// <value>Default true.</value>
    public bool DetectRefusals { get; init; } = true;

    /// <summary>Refusal phrases.</summary>
    /// <value>Default <see cref="DefaultRefusalPhrases"/>; at most 200 phrases of 1..200 characters.</value>
    public ImmutableArray<string> RefusalPhrases { get; init; } = DefaultRefusalPhrases;

    /// <summary>How many leading characters of a response are searched for refusal phrases.</summary>
    /// <value>1..16 Mi, and never more than <see cref="MaxScanChars"/> in effect; default 1,024.</value>
    public int RefusalWindowChars { get; init; } = 1024;

    /// <summary>Deepest JSON nesting accepted; deeper counts as invalid JSON.</summary>
    /// <value>1..1,000; default 256.</value>
    public int MaxJsonDepth { get; init; } = 256;

    /// <summary>Largest response, in UTF-8 bytes, checked for JSON validity and schema conformance; larger ones are not judged.</summary>
    /// <value>1..64 Mi; default 4 Mi.</value>
    public int MaxJsonBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>How many distinct schema texts the evaluator keeps compiled.</summary>
    /// <value>0..10,000; default 256.</value>
    public int SchemaCacheSize { get; init; } = 256;
}
