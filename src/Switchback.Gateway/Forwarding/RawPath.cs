using System.Text;

namespace Switchback.Gateway.Forwarding;

/// <summary>
/// The path rules of the raw passthrough <c>/d/{deployment}/{**path}</c>, whose requests carry the upstream credential:
/// the forwarded path may only name paths under the bundle's endpoint. A path is refused when any layer of its
/// percent-decoding holds a dot segment, a backslash, a control character or a look-alike of a dot or slash (what an
/// upstream or a proxy in front of it may normalise into a separator or <c>..</c>), or when it has more layers of
/// encoding than any real client sends. Stateless and thread-safe.
/// </summary>
internal static class RawPath
{
    /// <summary>The layers of percent-encoding a path may have; a path that still changes after this many decodings is refused.</summary>
    public const int MaxEncodingLayers = 3;

    /// <summary>Why <paramref name="path"/> (a raw request target's path, or the decoded route value) is refused; null when it is acceptable.</summary>
    public static string? Problem(string path)
    {
        var current = path;
        for (var layer = 0; ; layer++)
        {
            if (LayerProblem(current) is { } problem)
            {
                return problem;
            }

            var decoded = Uri.UnescapeDataString(current);
            if (string.Equals(decoded, current, StringComparison.Ordinal))
            {
                return null;
            }

            if (layer == MaxEncodingLayers)
            {
                return $"it is percent-encoded more than {MaxEncodingLayers} times over";
            }

            current = decoded;
        }
    }

    /// <summary>The path part of a request target as the client sent it (origin or absolute form), without the query.</summary>
    public static string TargetPath(string rawTarget)
    {
        var path = rawTarget;
        if (!path.StartsWith('/'))
        {
            // Absolute form (GET http://host/d/... HTTP/1.1): the path starts at the first '/' after the authority.
            var scheme = path.IndexOf("://", StringComparison.Ordinal);
            var start = scheme < 0 ? -1 : path.IndexOf('/', scheme + 3);
            path = start < 0 ? string.Empty : path[start..];
        }

        var query = path.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? path : path[..query];
    }

    /// <summary>
    /// The route value (as Kestrel decoded it) encoded back into a path, so that a decoded <c>?</c>, <c>#</c> or <c>%</c>
    /// stays part of its segment instead of starting a query, a fragment or another escape. Kestrel never decodes
    /// <c>%2F</c>, so that sequence is an encoded slash the client sent and stays one.
    /// </summary>
    public static string Encode(string value)
    {
        var builder = new StringBuilder(value.Length + 16);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '%' && i + 2 < value.Length && value[i + 1] == '2' && value[i + 2] is 'F' or 'f')
            {
                builder.Append("%2F");
                i += 2;
            }
            else if (IsPathChar(c))
            {
                builder.Append(c);
            }
            else
            {
                var rune = Rune.GetRuneAt(value, i);
                var length = rune.EncodeToUtf8(utf8);
                foreach (var b in utf8[..length])
                {
                    builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
                }

                i += rune.Utf16SequenceLength - 1;
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// <paramref name="endpoint"/>'s path joined with the encoded <paramref name="suffix"/> and <paramref name="query"/>;
    /// null when the resulting URL would leave the endpoint's origin or path (defence in depth: the checks above already refuse
    /// every path known to do that).
    /// </summary>
    public static Uri? Under(Uri endpoint, string suffix, string? query)
    {
        var basePath = endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');
        if (!Uri.TryCreate(basePath + "/" + suffix + query, UriKind.Absolute, out var target))
        {
            return null;
        }

        var root = endpoint.AbsolutePath.TrimEnd('/') + "/";
        var sameOrigin = string.Equals(target.GetLeftPart(UriPartial.Authority), endpoint.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase);
        return sameOrigin && target.AbsolutePath.StartsWith(root, StringComparison.Ordinal) ? target : null;
    }

    private static string? LayerProblem(string path)
    {
        foreach (var c in path)
        {
            if (c == '\\')
            {
                return "it contains a backslash";
            }

            if (char.IsControl(c))
            {
                return "it contains a control character";
            }

            // Full-width and other look-alikes of '.', '/' and '\' that Unicode normalisation (NFKC) on some servers turns into them.
            if (c is '\uFF0E' or '\uFF0F' or '\uFF3C' or '\u2024' or '\u2215' or '\u2044' or '\u29F5' or '\uFE52' or '\uFE68')
            {
                return "it contains a character that servers may read as a dot or a slash";
            }
        }

        foreach (var segment in path.Split('/'))
        {
            // "..;x" is ".." to servers that strip path parameters (Tomcat), and Windows drops trailing spaces and dots.
            var name = segment.Split(';')[0].TrimEnd(' ');
            if (name.Length > 0 && name.AsSpan().TrimStart('.').IsEmpty)
            {
                return "it contains a dot segment ('.' or '..')";
            }
        }

        return null;
    }

    private static bool IsPathChar(char c)
        => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
            or '-' or '.' or '_' or '~' or '!' or '$' or '&' or '\'' or '(' or ')' or '*' or '+' or ',' or ';' or '=' or ':' or '@' or '/';
}
