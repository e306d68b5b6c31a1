using Switchback.Core.OfflineEvals;

namespace Switchback.Cli.Commands;

/// <summary>Reads a dataset file and validates it locally, so a bad file stops before anything is sent.</summary>
internal static class EvalDatasetFile
{
    /// <summary>The file's text when it is a valid dataset; else null after printing every problem.</summary>
    public static async Task<string?> ReadAsync(string path, TextWriter error, CancellationToken ct)
    {
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                await error.WriteLineAsync($"error: {path}: file not found");
                return null;
            }

            if (info.Length > EvalDataset.MaxBytes)
            {
                await error.WriteLineAsync($"error: {path}: the file is {info.Length} bytes; the limit is {EvalDataset.MaxBytes} bytes (10 MiB)");
                return null;
            }

            bytes = await File.ReadAllBytesAsync(path, ct);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"error: {path}: cannot read the file: {ex.Message}");
            return null;
        }

        var parsed = EvalDataset.Parse(bytes);
        if (!parsed.IsValid)
        {
            foreach (var problem in parsed.Errors)
            {
                await error.WriteLineAsync($"error: {path}: {problem}");
            }

            return null;
        }

        // Valid means every line decoded as UTF-8, so this round-trips the bytes exactly (the server computes the same digest).
        return System.Text.Encoding.UTF8.GetString(bytes);
    }
}
