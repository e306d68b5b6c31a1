using System.Text.Encodings.Web;
using Fluid;
using Fluid.Ast;
using Fluid.Values;

namespace Switchback.Gateway.Templates;

/// <summary>
/// Rewrites a parsed template so that the two constructs Fluid's step limit does not bound stay within the render's
/// <see cref="TemplateBudget"/>: a range <c>(a..b)</c>, which Fluid materialises whole in one step (40 bytes an item, so
/// <c>(1..n)</c> with a large n is gigabytes), and <c>{% capture %}</c>, which renders into a writer of its own rather
/// than the bounded one. Stateless: the limits are read from the render's budget, so one compiled template serves every
/// render.
/// </summary>
internal sealed class BoundingRewriter : AstRewriter
{
    private static readonly BoundingRewriter Instance = new();

    /// <summary>The template with every range and capture bounded.</summary>
    public static IFluidTemplate Rewrite(IFluidTemplate template) => Instance.VisitTemplate(template);

    protected override Expression VisitRangeExpression(RangeExpression rangeExpression)
        => new BoundedRange((RangeExpression)base.VisitRangeExpression(rangeExpression));

    protected override Statement VisitCaptureStatement(CaptureStatement captureStatement)
        => new BoundedCapture((CaptureStatement)base.VisitCaptureStatement(captureStatement));

    /// <summary>A range that checks its length before Fluid builds it.</summary>
    private sealed class BoundedRange(RangeExpression range) : Expression
    {
        public override async ValueTask<FluidValue> EvaluateAsync(TemplateContext context)
        {
            // Fluid evaluates the bounds again inside the range: they are plain values or variables, so that costs little.
            var from = (await range.From.EvaluateAsync(context)).ToNumberValue();
            var to = (await range.To.EvaluateAsync(context)).ToNumberValue();
            TemplateBudget.Of(context).CheckItems(Math.Abs(decimal.Truncate(to) - decimal.Truncate(from)) + 1, $"the range ({from}..{to})");
            return await range.EvaluateAsync(context);
        }
    }

    /// <summary>Fluid's capture, rendered into a bounded writer.</summary>
    private sealed class BoundedCapture(CaptureStatement capture) : Statement
    {
        public override async ValueTask<Completion> WriteToAsync(TextWriter writer, TextEncoder encoder, TemplateContext context)
        {
            var completion = Completion.Normal;
            var captured = new BoundedTemplateWriter(TemplateBudget.Of(context));
            foreach (var statement in capture.Statements)
            {
                completion = await statement.WriteToAsync(captured, encoder, context);
                if (completion != Completion.Normal)
                {
                    // A break or continue inside the capture ends it and flows to the enclosing loop, as in Fluid's own.
                    break;
                }
            }

            FluidValue result = new StringValue(captured.ToString(), false);
            if (context.Captured is { } callback)
            {
                result = await callback.Invoke(capture.Identifier, result, context);
            }

            context.SetValue(capture.Identifier, result);
            return completion;
        }
    }
}
