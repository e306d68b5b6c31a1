using Fluid;
using Fluid.Values;

namespace Switchback.Gateway.Templates;

/// <summary>
/// Wraps every Liquid filter so that it cannot build more than the render's <see cref="TemplateBudget"/> allows: before
/// the call its string input and arguments must be within the output limit, and the few filters whose result can be far
/// larger than their input (<c>replace</c>, <c>join</c>, <c>split</c>, and the formatting ones through a width such as
/// <c>%100000000Y</c>) are checked for the size they would build; after the call the result is checked; and each call
/// checks the deadline and the client's cancellation.
/// </summary>
internal static class TemplateFilters
{
    /// <summary>Replaces every filter of <paramref name="filters"/> with its guarded form.</summary>
    public static void Guard(FilterCollection filters)
    {
        foreach (var (name, filter) in filters.ToList())
        {
            filters.AddFilter(name, Guarded(name, filter));
        }
    }

    private static FilterDelegate Guarded(string name, FilterDelegate filter) => (input, arguments, context) =>
    {
        var budget = TemplateBudget.Of(context);
        budget.Check();
        CheckInputs(name, input, arguments, budget);
        var pending = filter(input, arguments, context);
        return pending.IsCompletedSuccessfully ? new ValueTask<FluidValue>(budget.Checked(pending.Result, name)) : CheckedAsync(pending, budget, name);
    };

    private static async ValueTask<FluidValue> CheckedAsync(ValueTask<FluidValue> pending, TemplateBudget budget, string name)
        => budget.Checked(await pending, name);

    private static void CheckInputs(string name, FluidValue input, FilterArguments arguments, TemplateBudget budget)
    {
        var text = input is StringValue ? input.ToStringValue() : null;
        if (text is not null)
        {
            budget.CheckString(text.Length, "the input", name);
        }

        // FilterArguments.Values is null when there are none; At(i) is the way in that always works.
        for (var i = 0; i < arguments.Count; i++)
        {
            if (arguments.At(i) is StringValue argument)
            {
                budget.CheckString(argument.ToStringValue().Length, "an argument", name);
            }
        }

        switch (name)
        {
            case "replace" when text is not null:
                var first = Argument(arguments, 0);
                var replacement = Argument(arguments, 1);
                var occurrences = first.Length == 0 ? text.Length + 1 : text.AsSpan().Count(first.AsSpan());
                budget.CheckString(text.Length + ((long)occurrences * Math.Max(0, replacement.Length - first.Length)), "the result", name);
                break;
            case "split" when text is not null:
                var separator = Argument(arguments, 0);
                budget.CheckItems(separator.Length == 0 ? text.Length : text.AsSpan().Count(separator.AsSpan()) + 1, "the result", name);
                break;
            case "join" when input is ArrayValue array:
                // Counted item by item, so that a long array of long strings is refused before any of it is joined.
                var glue = Argument(arguments, 0).Length;
                long length = 0;
                foreach (var item in array.Values)
                {
                    length += item.ToStringValue().Length + glue;
                    budget.CheckString(length, "the result", name);
                }

                break;
            case "format_string" when text is not null:
                // The input is the format here; the arguments are the values put into it.
                CheckWidths(text, name, budget);
                break;
            case "date" or "format_date" or "format_number":
                for (var i = 0; i < arguments.Count; i++)
                {
                    if (arguments.At(i) is StringValue format)
                    {
                        CheckWidths(format.ToStringValue(), name, budget);
                    }
                }

                break;
        }
    }

    private static string Argument(FilterArguments arguments, int index)
        => index < arguments.Count ? arguments.At(index).ToStringValue() : string.Empty;

    /// <summary>Refuses a number in a format (a width or precision such as <c>%100000000Y</c> or <c>{0,999999}</c>) larger than the output limit.</summary>
    private static void CheckWidths(string format, string name, TemplateBudget budget)
    {
        long number = 0;
        foreach (var c in format)
        {
            if (char.IsAsciiDigit(c))
            {
                number = Math.Min((number * 10) + (c - '0'), long.MaxValue / 10);
                budget.CheckString(number, "a width in the format", name);
            }
            else
            {
                number = 0;
            }
        }
    }
}
