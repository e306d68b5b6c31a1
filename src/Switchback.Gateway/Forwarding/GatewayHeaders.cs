using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Switchback.Gateway.Forwarding;

/// <summary>The Switchback header names of PRODUCT.md §3.</summary>
internal static class GatewayHeaders
{
    /// <summary>Every Switchback request header starts with this; none of them is sent upstream.</summary>
    public const string Prefix = "x-switchback-";
    public const string Key = "x-switchback-key";
    public const string Version = "x-switchback-version";
    public const string VariablePrefix = "x-switchback-var-";
    public const string Retrieval = "x-switchback-retrieval";
    public const string Tokenizer = "x-switchback-tokenizer";
    public const string ResponseDeployment = "x-switchback-deployment";
    public const string ResponseVersion = "x-switchback-version";
    public const string RequestId = "x-switchback-request-id";

    public static void SetResponse(HttpResponse response, string deployment, int? version, string requestId)
    {
        if (response.HasStarted)
        {
            return;
        }

        response.Headers[ResponseDeployment] = deployment;
        if (version is { } v)
        {
            response.Headers[ResponseVersion] = v.ToString(CultureInfo.InvariantCulture);
        }

        response.Headers[RequestId] = requestId;
    }
}
