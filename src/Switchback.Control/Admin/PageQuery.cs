using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Switchback.Control.Admin;

/// <summary>The paging parameters of a list call: <c>after</c> (a cursor, exclusive) and <c>limit</c>.</summary>
internal readonly record struct PageQuery(long? After, int Limit)
{
    /// <summary>The most entries one call returns.</summary>
    public const int MaxLimit = 10_000;

    /// <summary>How many entries a call returns when it names no limit.</summary>
    public const int DefaultLimit = 1000;

    /// <summary>Reads <c>?{afterName}=N&amp;limit=N</c>; the error result when either is malformed.</summary>
    public static IResult? TryRead(HttpRequest request, out PageQuery page, string afterName = "after")
    {
        page = new PageQuery(null, DefaultLimit);
        if (!TryReadCursor(request, afterName, out var after, out var error))
        {
            return error;
        }

        var limitText = request.Query["limit"].ToString();
        var limit = DefaultLimit;
        if (limitText.Length > 0 && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxLimit))
        {
            return ApiError.BadRequest("invalid_query", $"'limit' must be a whole number from 1 to {MaxLimit}.");
        }

        page = new PageQuery(after, limit);
        return null;
    }

    /// <summary>Reads one cursor parameter (a whole number from 0); absent is null.</summary>
    public static bool TryReadCursor(HttpRequest request, string name, out long? cursor, out IResult? error)
    {
        cursor = null;
        error = null;
        var text = request.Query[name].ToString();
        if (text.Length == 0)
        {
            return true;
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            error = ApiError.BadRequest("invalid_query", $"'{name}' must be a whole number from 0 (the last sequence number of the previous page).");
            return false;
        }

        cursor = value;
        return true;
    }
}
