using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace Switchback.UpstreamSim.Faults;

/// <summary>Parses the <c>--listen</c> URL into the endpoint to bind.</summary>
internal static class ListenAddress
{
    public static IPEndPoint Parse(string listen) =>
        TryParse(listen, out var endpoint, out var error) ? endpoint : throw new ArgumentException(error, nameof(listen));

    public static bool TryParse(string? listen, [NotNullWhen(true)] out IPEndPoint? endpoint, out string error)
    {
        endpoint = null;
        error = "";
        if (!Uri.TryCreate(listen, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
        {
            error = $"--listen must be an http:// URL such as http://127.0.0.1:9001, got '{listen}'";
            return false;
        }

        if (uri.AbsolutePath != "/" || uri.Query.Length > 0)
        {
            error = $"--listen must not have a path or query, got '{listen}'";
            return false;
        }

        IPAddress? address;
        if (uri.IsLoopback && uri.HostNameType == UriHostNameType.Dns)
        {
            address = IPAddress.Loopback;
        }
        else if (!IPAddress.TryParse(uri.Host.Trim('[', ']'), out address))
        {
            error = $"--listen host must be an IP address or localhost, got '{uri.Host}'";
            return false;
        }

        endpoint = new IPEndPoint(address, uri.Port);
        return true;
    }
}
