using Fluid;

namespace Switchback.Control.OfflineEvals;

/// <summary>Renders a judge rubric (Liquid) with <c>question</c>, <c>answer</c> and <c>expected</c>.</summary>
internal static class RubricRenderer
{
    private static readonly FluidParser Parser = new();
    private static readonly TemplateOptions Options = new() { StrictVariables = true };

    /// <summary>Null when rendered into <paramref name="text"/>; else why the rubric does not render.</summary>
    public static string? Render(string rubric, string question, string answer, string expected, out string text)
    {
        text = string.Empty;
        if (!Parser.TryParse(rubric, out var template, out var error))
        {
            return $"not a valid Liquid template: {error}";
        }

        var context = new TemplateContext(Options);
        context.SetValue("question", question);
        context.SetValue("answer", answer);
        context.SetValue("expected", expected);
        try
        {
            text = template.Render(context);
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return ex.Message;
        }
    }
}
