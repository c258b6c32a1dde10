using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using ActorDns.LoadTest.Cli;
using ActorDns.LoadTest.Measurement;

namespace ActorDns.LoadTest.Churn;

/// <summary>
/// The HTTP API of the control-plane nodes (SPEC §2). The caller picks the node by number (round-robin);
/// a 5xx, a timeout or a connection failure is retried once, with the same body, on the next node (PUT
/// and DELETE are idempotent). Every attempt's outcome is counted as "METHOD status".
/// </summary>
internal sealed class ControlPlaneClient : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private readonly IReadOnlyList<Uri> _apis;
    private readonly TimeSpan _timeout;
    private readonly ConcurrentDictionary<string, long> _statuses = new(StringComparer.Ordinal);
    private long _retries;

    public ControlPlaneClient(IReadOnlyList<Uri> apis, TimeSpan timeout)
    {
        _apis = apis;
        _timeout = timeout;
        ApiToken.Apply(_http);
    }

    /// <summary>Attempts per "METHOD status" (e.g. "PUT 201", "PUT 503", "DELETE timeout").</summary>
    public IReadOnlyDictionary<string, long> Statuses => new SortedDictionary<string, long>(_statuses, StringComparer.Ordinal);

    public long Retries => Interlocked.Read(ref _retries);

    public Task<HttpOutcome> PutAsync(int node, string path, string json, CancellationToken token) =>
        SendAsync(HttpMethod.Put, node, path, json, counted: true, token);

    /// <summary>A DELETE; <paramref name="counted"/> false keeps clean-up requests out of <see cref="Statuses"/>.</summary>
    public Task<HttpOutcome> DeleteAsync(int node, string path, bool counted, CancellationToken token) =>
        SendAsync(HttpMethod.Delete, node, path, null, counted, token);

    /// <summary>A GET without retry (callers poll); null unless it answered 200 with JSON.</summary>
    public async Task<JsonDocument?> GetJsonAsync(int node, string path, CancellationToken token)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
        timeout.CancelAfter(_timeout);
        try
        {
            using var response = await _http.GetAsync(new Uri(_apis[node % _apis.Count], path), timeout.Token);
            Count(HttpMethod.Get, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
            return response.IsSuccessStatusCode
                ? await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(timeout.Token), cancellationToken: timeout.Token)
                : null;
        }
        catch (Exception e) when (!token.IsCancellationRequested && e is OperationCanceledException or HttpRequestException or JsonException)
        {
            Count(HttpMethod.Get, e is OperationCanceledException ? "timeout" : "error");
            return null;
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<HttpOutcome> SendAsync(HttpMethod method, int node, string path, string? json, bool counted, CancellationToken token)
    {
        var start = Clock.Now;
        var status = await SendOnceAsync(method, node, path, json, counted, token);
        if (status is not null and < 500)
        {
            return new HttpOutcome(status, start, Clock.Now, Retried: false);
        }

        Interlocked.Increment(ref _retries);
        status = await SendOnceAsync(method, node + 1, path, json, counted, token);
        return new HttpOutcome(status, start, Clock.Now, Retried: true);
    }

    /// <summary>One attempt: its status, or null after a timeout or a connection failure.</summary>
    private async Task<int?> SendOnceAsync(HttpMethod method, int node, string path, string? json, bool counted, CancellationToken token)
    {
        using var request = new HttpRequestMessage(method, new Uri(_apis[node % _apis.Count], path));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
        timeout.CancelAfter(_timeout);
        string outcome;
        int? status = null;
        try
        {
            using var response = await _http.SendAsync(request, timeout.Token);
            status = (int)response.StatusCode;
            outcome = status.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
            outcome = "timeout";
        }
        catch (HttpRequestException)
        {
            outcome = "error";
        }

        if (counted)
        {
            Count(method, outcome);
        }

        return status;
    }

    private void Count(HttpMethod method, string outcome) => _statuses.AddOrUpdate($"{method.Method} {outcome}", 1, (_, n) => n + 1);
}
