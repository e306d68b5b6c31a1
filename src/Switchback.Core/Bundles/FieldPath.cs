using System.Globalization;
using System.Text;

namespace Switchback.Core.Bundles;

/// <summary>Builds field paths: <c>a.b</c> for simple keys, <c>a["x.y"]</c> for keys with other characters, <c>a[2]</c> for list items.</summary>
internal static class FieldPath
{
    /// <summary>The path of key <paramref name="key"/> under <paramref name="parent"/> ("" for the root).</summary>
    public static string Child(string parent, string key)
    {
        if (IsSimple(key))
        {
            return parent.Length == 0 ? key : parent + "." + key;
        }

        var builder = new StringBuilder(parent).Append('[');
        CanonicalJson.WriteString(builder, key);
        return builder.Append(']').ToString();
    }

    /// <summary>The path of item <paramref name="index"/> of the list at <paramref name="parent"/>.</summary>
    public static string Item(string parent, int index) => parent + "[" + index.ToString(CultureInfo.InvariantCulture) + "]";

    private static bool IsSimple(string key)
    {
        if (key.Length == 0)
        {
            return false;
        }

        foreach (var c in key)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
