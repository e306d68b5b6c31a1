using System.Text;

namespace Switchback.Gateway.Templates;

/// <summary>
/// Collects a render's output and stops it (<see cref="TemplateLimitException"/>) before the output passes the budget's
/// limit in UTF-8 bytes; each write also checks the deadline and the client's cancellation. Not thread-safe (one render).
/// </summary>
internal sealed class BoundedTemplateWriter(TemplateBudget budget) : TextWriter(System.Globalization.CultureInfo.InvariantCulture)
{
    private readonly StringBuilder text = new();
    private long bytes;

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value) => Write([value]);

    public override void Write(string? value) => Write(value.AsSpan());

    public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));

    public override void Write(ReadOnlySpan<char> buffer)
    {
        budget.Check();

        // A surrogate pair split across two writes counts 3 + 3 bytes instead of 4: the limit errs on the safe side.
        var size = bytes + Encoding.UTF8.GetByteCount(buffer);
        if (size > budget.MaxOutputBytes)
        {
            throw new TemplateLimitException($"output limit of {budget.MaxOutputBytes} bytes (GatewayOptions.TemplateMaxOutputBytes)");
        }

        bytes = size;
        text.Append(buffer);
    }

    // TextWriter's async methods queue the sync ones to the thread pool; rendering into memory needs no such hop.
    public override Task WriteAsync(char value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(string? value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(char[] buffer, int index, int count)
    {
        Write(buffer, index, count);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(ReadOnlyMemory<char> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return Task.CompletedTask;
    }

    public override string ToString() => text.ToString();
}
