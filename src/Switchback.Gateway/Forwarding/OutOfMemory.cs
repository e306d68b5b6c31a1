using System.Text;

namespace Switchback.Gateway.Forwarding;

/// <summary>Recognises an upstream error body that reports running out of (GPU) memory.</summary>
internal static class OutOfMemory
{
    private static readonly string[] Phrases = ["out of memory", "out_of_memory", "outofmemory", "cuda oom"];

    public static bool Names(ReadOnlySpan<byte> body)
    {
        var text = Encoding.UTF8.GetString(body);
        return Phrases.Any(p => text.Contains(p, StringComparison.OrdinalIgnoreCase));
    }
}
