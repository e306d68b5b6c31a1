using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Switchback.UpstreamSim.Faults;
using Switchback.UpstreamSim.Protocol;

namespace Switchback.UpstreamSim.Hosting;

/// <summary>
/// The simulator's single request delegate: dispatches by path without a router, applies the request's planned
/// latency and fault, then writes the answer. Thread-safe: the mutable state is the interlocked sequence, the
/// <see cref="StoredResponses{T}"/> (locked) and the <see cref="ReceivedRequests"/> (locked).
/// </summary>
internal sealed partial class SimHandler(SimSettings settings, SimStats stats, ReceivedRequests received, TimeProvider time, CancellationToken stopping)
{
    private readonly FaultPlanner _planner = new(settings);
    private readonly StoredResponses<SimResponse> _responses = new();

    // Response ids must not collide between simulators (a gateway maps each id to the one that created it); the answers'
    // text stays a pure function of the seed.
    private readonly string _instance = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));
    private readonly long _startedUnix = time.GetUtcNow().ToUnixTimeSeconds();
    private long _sequence;

    private bool IsDown => settings.Profile == SimProfile.Down;

    public Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value;
        var post = HttpMethods.IsPost(context.Request.Method);
        var get = HttpMethods.IsGet(context.Request.Method);
        return path switch
        {
            "/v1/chat/completions" when post => InferAsync(context, SimEndpoint.ChatCompletions),
            "/v1/completions" when post => InferAsync(context, SimEndpoint.Completions),
            "/v1/embeddings" when post => InferAsync(context, SimEndpoint.Embeddings),
            "/v1/responses" when post => InferAsync(context, SimEndpoint.Responses),
            _ when path?.StartsWith(ResponsesPrefix, StringComparison.Ordinal) == true => ResponseByIdAsync(context, path[ResponsesPrefix.Length..]),
            "/v1/models" when get => ModelsAsync(context),
            "/health" when get => HealthAsync(context),
            "/v1/chat/completions" or "/v1/completions" or "/v1/embeddings" or "/v1/responses" or "/v1/models" or "/health" =>
                RejectAsync(context, StatusCodes.Status405MethodNotAllowed, $"Method {context.Request.Method} is not allowed on {path}", "method_not_allowed"),
            _ => RejectAsync(context, StatusCodes.Status404NotFound, $"Unknown path {path}", "not_found"),
        };
    }

    private async Task RejectAsync(HttpContext context, int status, string message, string code)
    {
        stats.Received(SimEndpoint.Unknown);
        await OpenAiError.WriteAsync(context, status, message, "invalid_request_error", code);
        stats.Completed(SimEndpoint.Unknown, SimOutcome.NotFound);
    }

    private async Task InferAsync(HttpContext context, SimEndpoint endpoint)
    {
        stats.Received(endpoint);
        if (IsDown)
        {
            await HangAsync(context, endpoint);
            return;
        }

        JsonDocument document;
        try
        {
            if (received.Enabled)
            {
                using var copy = new MemoryStream();
                await context.Request.Body.CopyToAsync(copy, context.RequestAborted);
                var bytes = copy.ToArray();
                received.Add(new ReceivedRequest(context.Request.Path.Value ?? "", bytes));
                document = JsonDocument.Parse(bytes);
            }
            else
            {
                document = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted);
            }
        }
        catch (JsonException ex)
        {
            await OpenAiError.BadRequestAsync(context, $"Invalid JSON in request body: {ex.Message}", "invalid_json");
            stats.Completed(endpoint, SimOutcome.BadRequest);
            return;
        }

        using (document)
        {
            var outcome = endpoint switch
            {
                SimEndpoint.ChatCompletions => await ChatAsync(context, document.RootElement),
                SimEndpoint.Completions => await CompletionsAsync(context, document.RootElement),
                SimEndpoint.Responses => await ResponsesAsync(context, document.RootElement),
                _ => await EmbeddingsAsync(context, document.RootElement),
            };
            stats.Completed(endpoint, outcome);
        }
    }

    /// <summary>
    /// What every endpoint does before answering: numbers the request, plans its faults, echoes the headers, then waits out
    /// the latency and injects the fault; <c>Proceed</c> is false when the request is finished.
    /// </summary>
    private async Task<(long Sequence, RequestPlan Plan, bool Proceed)> BeginAsync(
        HttpContext context, CommonFields? common, string? model, bool textAnswer, bool wantsJson)
    {
        var sequence = NextSequence();
        var plan = _planner.Plan(sequence, textAnswer, wantsJson);
        EchoHeaders(context, common, model, sequence);
        return (sequence, plan, await DelayAndFaultAsync(context, plan));
    }

    /// <summary>Waits out the plan's latency, then injects its fault; returns false when the request is finished.</summary>
    private async Task<bool> DelayAndFaultAsync(HttpContext context, RequestPlan plan)
    {
        if (!await DelayAsync(context, plan.Latency))
        {
            return false;
        }

        switch (plan.Outcome)
        {
            case SimOutcome.ConnectionReset:
                context.Abort();
                return false;
            case SimOutcome.OutOfMemory:
                await OpenAiError.WriteAsync(context, 507,
                    "CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 79.15 GiB total capacity; 77.84 GiB already allocated)",
                    "server_error", "cuda_out_of_memory");
                return false;
            case SimOutcome.ServerError:
                var (message, code) = plan.StatusCode switch
                {
                    500 => ("Simulated internal server error", "sim_internal_error"),
                    502 => ("Simulated bad gateway: the model worker did not answer", "sim_bad_gateway"),
                    _ => ("Simulated overload: the model is busy, retry later", "sim_overloaded"),
                };
                await OpenAiError.WriteAsync(context, plan.StatusCode, message, "server_error", code);
                return false;
            default:
                return true;
        }
    }

    /// <summary>A delay on the injected clock; false if the client left or the simulator stopped meanwhile.</summary>
    private async ValueTask<bool> DelayAsync(HttpContext context, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            return true;
        }

        // Stopping aborts the connection, which cancels RequestAborted, so shutdown never waits for a delay.
        using var registration = stopping.UnsafeRegister(static c => ((HttpContext)c!).Abort(), context);
        try
        {
            await Task.Delay(delay, time, context.RequestAborted);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task HangAsync(HttpContext context, SimEndpoint endpoint)
    {
        stats.Completed(endpoint, SimOutcome.Hang);
        using var registration = stopping.UnsafeRegister(static c => ((HttpContext)c!).Abort(), context);
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The client gave up, which is the only way a hung request ends.
        }
    }

    private long NextSequence() => Interlocked.Increment(ref _sequence);

    private long Created() => time.GetUtcNow().ToUnixTimeSeconds();

    private void EchoHeaders(HttpContext context, CommonFields? common, string? model, long sequence)
    {
        var headers = context.Response.Headers;
        headers["x-sim-seq"] = sequence.ToString(System.Globalization.CultureInfo.InvariantCulture);
        headers["x-sim-profile"] = SimProfileNames.ToName(settings.Profile);
        if (model is not null)
        {
            headers["x-sim-model"] = Text.HeaderSafe(model);
        }

        if (common?.TemperatureText is { } temperature)
        {
            headers["x-sim-temperature"] = temperature;
        }

        if (common?.MaxTokens is { } maxTokens)
        {
            headers["x-sim-max-tokens"] = maxTokens.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var request = context.Request.Headers;
        if (request.TryGetValue("x-switchback-retrieval", out var retrieval))
        {
            headers["x-sim-retrieval"] = retrieval;
        }

        if (request.TryGetValue("x-switchback-tokenizer", out var tokenizer))
        {
            headers["x-sim-tokenizer"] = tokenizer;
        }
    }
}
