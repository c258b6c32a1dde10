using System.Net;
using ActorDns.Protocol;
using Prometheus;

namespace ActorDns.Server.Forwarding;

/// <summary>
/// One upstream and its health (CoreDNS <c>forward</c>): after <c>MaxFails</c> consecutive failed tries it is
/// down and probed with <c>. IN NS</c> every <c>HealthCheckInterval</c>; any well-formed reply, even REFUSED,
/// brings it back (conformance F-15).
/// </summary>
internal sealed class Upstream
{
    private static readonly byte[] ProbeQuestion = [0, 0, (byte)DnsRecordType.NS, 0, (byte)DnsClass.IN];

    private readonly ForwarderOptions _options;
    private readonly ForwarderMetrics _metrics;
    private readonly TimeProvider _clock;
    private readonly CancellationToken _stopping;
    private int _consecutiveFailures;
    private int _probing;
    private Counter.Child? _udpRequests;
    private Counter.Child? _tcpRequests;

    public Upstream(IPEndPoint endpoint, int index, ForwarderOptions options, ForwarderMetrics metrics, TimeProvider clock, CancellationToken stopping)
    {
        Endpoint = endpoint;
        Label = endpoint.ToString();
        Index = index;
        _options = options;
        _metrics = metrics;
        _clock = clock;
        _stopping = stopping;
        _metrics.Healthy.WithLabels(Label).Set(1);
    }

    public IPEndPoint Endpoint { get; }

    /// <summary>Its place in the forwarder's list.</summary>
    public int Index { get; }

    public string Label { get; }

    /// <summary>Queries sent to it over UDP: the child of <see cref="ForwarderMetrics.Requests"/>, looked up on first use only.</summary>
    public Counter.Child UdpRequests => _udpRequests ??= _metrics.Requests.WithLabels(Label, "udp");

    public Counter.Child TcpRequests => _tcpRequests ??= _metrics.Requests.WithLabels(Label, "tcp");

    public bool Healthy => Volatile.Read(ref _consecutiveFailures) < _options.MaxFails;

    public void RecordSuccess()
    {
        if (Interlocked.Exchange(ref _consecutiveFailures, 0) >= _options.MaxFails)
        {
            _metrics.Healthy.WithLabels(Label).Set(1);
        }
    }

    public void RecordFailure(string reason)
    {
        _metrics.Failures.WithLabels(Label, reason).Inc();
        if (Interlocked.Increment(ref _consecutiveFailures) >= _options.MaxFails && Interlocked.Exchange(ref _probing, 1) == 0)
        {
            _metrics.Healthy.WithLabels(Label).Set(0);
            _ = ProbeUntilHealthyAsync();
        }
    }

    private async Task ProbeUntilHealthyAsync()
    {
        var request = new byte[64];
        var reply = new byte[ushort.MaxValue];
        try
        {
            while (!Healthy && !_stopping.IsCancellationRequested)
            {
                await Task.Delay(_options.HealthCheckInterval, _clock, _stopping).ConfigureAwait(false);
                var id = UpstreamMessages.NewId();
                var length = UpstreamMessages.WriteQuery(request, id, ProbeQuestion, 0, dnssecOk: false, withEdns: false);
                using var deadline = new CancellationTokenSource(_options.TryTimeout, _clock);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping, deadline.Token);
                try
                {
                    await UpstreamExchange.UdpAsync(Endpoint, request.AsMemory(0, length), reply, id, ProbeQuestion, static () => { }, timeout.Token).ConfigureAwait(false);
                    RecordSuccess();
                }
                catch (Exception e) when (e is OperationCanceledException or System.Net.Sockets.SocketException && !_stopping.IsCancellationRequested)
                {
                    // Still down; probe again after the interval.
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            Volatile.Write(ref _probing, 0);
        }
    }
}
