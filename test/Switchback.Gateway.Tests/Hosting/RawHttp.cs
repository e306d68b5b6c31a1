using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Switchback.Gateway.Tests.Hosting;

/// <summary>
/// Sends one HTTP/1.1 request over a plain socket with the request target exactly as given: HttpClient (and Uri)
/// would resolve dot segments and re-encode the target, which is what a path-escape test must not let happen.
/// </summary>
internal static class RawHttp
{
    public static async Task<(int Status, string Body)> SendAsync(Uri server, string method, string target, CancellationToken ct)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port, ct);
        await using var stream = client.GetStream();
        var head = $"{method} {target} HTTP/1.1\r\nHost: {server.Host}:{server.Port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.Latin1.GetBytes(head), ct);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync(ct);
        var statusLine = response[..response.IndexOf("\r\n", StringComparison.Ordinal)];
        var status = int.Parse(statusLine.Split(' ')[1], CultureInfo.InvariantCulture);
        var bodyAt = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var headers = bodyAt < 0 ? response : response[..bodyAt];
        var body = bodyAt < 0 ? string.Empty : response[(bodyAt + 4)..];
        return (status, headers.Contains("transfer-encoding: chunked", StringComparison.OrdinalIgnoreCase) ? Dechunk(body) : body);
    }

    private static string Dechunk(string chunked)
    {
        var body = new StringBuilder();
        var at = 0;
        while (at < chunked.Length)
        {
            var lineEnd = chunked.IndexOf("\r\n", at, StringComparison.Ordinal);
            var size = int.Parse(chunked[at..lineEnd], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                break;
            }

            // Sizes count bytes; these bodies are ASCII JSON, so bytes and chars agree.
            body.Append(chunked, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }

        return body.ToString();
    }
}
