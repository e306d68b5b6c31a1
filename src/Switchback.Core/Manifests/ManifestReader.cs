using System.Text;
using Switchback.Core.Manifests.Parsing;

namespace Switchback.Core.Manifests;

/// <summary>
/// Reads manifest files (YAML, or JSON when the text starts with '{' or '['), validates every document and collects every
/// error with its source, document index and field path. Never throws for bad input. See docs/manifests.md.
/// </summary>
public static class ManifestReader
{
    /// <summary>The largest manifest accepted, in bytes (10 MiB); manifests are a few KiB, so more is a mistake.</summary>
    public const int MaxFileBytes = 10 * 1024 * 1024;

    /// <summary>Reads and validates the manifest documents in <paramref name="text"/>; <paramref name="source"/> names it in errors.</summary>
    public static ManifestReadResult Read(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(source);
        if (text.Length > MaxFileBytes)
        {
            return FileError(source, $"the text is {text.Length} characters; the limit is {MaxFileBytes} bytes (10 MiB)");
        }

        var nul = text.IndexOf('\0', StringComparison.Ordinal);
        if (nul >= 0)
        {
            return FileError(source, $"contains a NUL character at offset {nul}: this looks like a binary file, not a YAML or JSON manifest");
        }

        var body = text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        var parsed = body.Length > 0 && body[0] is '{' or '[' ? JsonLoader.Load(body) : YamlLoader.Load(text);
        var documents = new List<ManifestDocument>();
        var errors = new List<ManifestError>();
        foreach (var doc in parsed)
        {
            foreach (var (path, message) in doc.Errors)
            {
                errors.Add(new ManifestError(source, doc.Index, path, message));
            }

            if (doc.Root is null || doc.IsEmpty || doc.Errors.Count > 0)
            {
                continue;
            }

            if (new DocumentValidator(source, doc.Index, errors).Validate(doc.Root) is { } valid)
            {
                documents.Add(valid);
            }
        }

        if (errors.Count == 0 && documents.Count == 0)
        {
            errors.Add(new ManifestError(source, 0, ManifestError.DocumentPath, "the manifest is empty: expected at least one document with kind: Bundle, Rollout or Monitor"));
        }

        return new ManifestReadResult(documents, errors);
    }

    /// <summary>Reads and validates the manifest file at <paramref name="path"/>: refuses missing, oversized, binary and non-UTF-8 files.</summary>
    public static ManifestReadResult ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            if (Directory.Exists(path))
            {
                return FileError(path, "is a directory, not a manifest file");
            }

            if (!File.Exists(path))
            {
                return FileError(path, "file not found");
            }

            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            if (stream.Length > MaxFileBytes)
            {
                return FileError(path, $"the file is {stream.Length} bytes; the limit is {MaxFileBytes} bytes (10 MiB)");
            }

            // Read at most one byte past the limit: the file may have grown since its length was taken.
            bytes = new byte[MaxFileBytes + 1];
            var total = 0;
            int read;
            while (total < bytes.Length && (read = stream.Read(bytes, total, bytes.Length - total)) > 0)
            {
                total += read;
            }

            if (total > MaxFileBytes)
            {
                return FileError(path, $"the file is over the limit of {MaxFileBytes} bytes (10 MiB)");
            }

            Array.Resize(ref bytes, total);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return FileError(path, $"cannot read the file: {ex.Message}");
        }

        var nul = Array.IndexOf(bytes, (byte)0);
        if (nul >= 0)
        {
            return FileError(path, $"contains a NUL byte at offset {nul}: this looks like a binary file, not a YAML or JSON manifest");
        }

        string text;
        try
        {
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            return FileError(path, $"is not valid UTF-8 text (bad byte sequence at offset {ex.Index}): manifests must be UTF-8");
        }

        return Read(text, path);
    }

    private static ManifestReadResult FileError(string source, string message)
        => new([], [new ManifestError(source, 0, ManifestError.FilePath, message)]);
}
