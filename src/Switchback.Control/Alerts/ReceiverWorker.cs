using System.Threading.Channels;

namespace Switchback.Control.Alerts;

/// <summary>
/// The queue and delivery loop of one receiver. Each receiver has its own, so a slow or hanging receiver only delays its own
/// alerts. The channel is bounded and drops its oldest alert when full: the newest decision is the one on-call needs.
/// </summary>
internal sealed class ReceiverWorker
{
    private readonly WebhookAlertDispatcher dispatcher;
    private readonly Channel<PendingAlert> queue;

    public ReceiverWorker(WebhookAlertDispatcher dispatcher, AlertReceiver receiver, int capacity)
    {
        this.dispatcher = dispatcher;
        Receiver = receiver;
        Name = AlertReceiverNames.Of(receiver);
        var options = new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true };
        queue = Channel.CreateBounded<PendingAlert>(options, dropped => dispatcher.OnDropped(this, dropped));
    }

    public AlertReceiver Receiver { get; }

    public string Name { get; }

    /// <summary>The delivery loop; it ends once the queue is completed and empty, or at once when stopping.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    public void Start(CancellationToken stopping) => Completion = Task.Run(() => RunAsync(stopping), CancellationToken.None);

    /// <summary>False once the queue is completed (shutdown); never false for a full queue, which drops its oldest instead.</summary>
    public bool TryPost(PendingAlert alert) => queue.Writer.TryWrite(alert);

    public void Complete() => queue.Writer.TryComplete();

    private async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            while (await queue.Reader.WaitToReadAsync(stopping))
            {
                while (!stopping.IsCancellationRequested && queue.Reader.TryRead(out var alert))
                {
                    await dispatcher.DeliverAsync(this, alert, stopping);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutdown gave up waiting; what is left is recorded below.
        }

        while (queue.Reader.TryRead(out var left))
        {
            dispatcher.OnAbandoned(this, left, 0, "shutdown came before delivery");
        }
    }
}
