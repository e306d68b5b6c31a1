using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Switchback.Gateway.OnlineEvaluators;

/// <summary>A pool of <see cref="EvaluationOptions.Workers"/> tasks that drain the <see cref="EvaluationQueue"/> until shutdown.</summary>
internal sealed partial class EvaluationWorkers(EvaluationQueue queue, EvaluationRecorder recorder, IOptions<EvaluationOptions> options, ILogger<EvaluationWorkers> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
        => Task.WhenAll(Enumerable.Range(0, options.Value.Workers).Select(_ => Task.Run(() => RunAsync(stoppingToken), stoppingToken)));

    /// <summary>Evaluates one job and records the result, or counts it as skipped when the body is not an evaluable answer.</summary>
    internal static void Evaluate(EvaluationJob job, EvaluationRecorder recorder)
    {
        var body = job.Observation.Body;
        var input = body is null || body.TotalBytes > job.Observation.CaptureLimit ? null : ResponseText.Read(body.WholeBody, job.Observation.IsStream);
        if (input is null)
        {
            recorder.Skipped(job.Deployment, job.Version);
            return;
        }

        var result = job.Evaluator.Evaluate(input with { ResponseFormat = ResponseText.Format(job.RequestBody) });
        recorder.Record(job.Deployment, job.Version, result, job.Unit);
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var job in queue.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    Evaluate(job, recorder);
                }
                catch (Exception ex)
                {
                    // An evaluator failure must never stop the worker or touch the request that was already answered.
                    LogEvaluationFailed(logger, ex, job.Deployment, job.Version);
                }
                finally
                {
                    queue.MarkCompleted();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: queued responses are abandoned; they were already served.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "evaluating a response of {Deployment}@{Version} failed")]
    private static partial void LogEvaluationFailed(ILogger logger, Exception exception, string deployment, int version);
}
