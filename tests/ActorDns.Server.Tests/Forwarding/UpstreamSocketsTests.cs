using System.Net.Sockets;
using ActorDns.Protocol;
using ActorDns.Server.Forwarding;
using ActorDns.Testing;
using ActorDns.Testing.Dns;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ActorDns.Server.Tests.Forwarding;

/// <summary>The shared upstream sockets on their own (decision 0037): rotation, timeouts, closing, stopping.</summary>
public sealed class UpstreamSocketsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan Expire = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Exchange_SilentUpstream_RetiredSocketsClosedOnceTheirQueriesTimedOut()
    {
        // 25 queries per socket place: each place retires its first socket, on which 16 queries still wait.
        const int queries = UpstreamSockets.SocketsPerUpstream * 25;
        using var upstream = new FakeUpstream(script: FakeUpstream.Silent);
        var clock = new FakeTimeProvider();
        using var sockets = new UpstreamSockets(1, Expire, () => { }, e => Assert.Fail(e.ToString()), clock);

        var exchanges = Enumerable.Range(0, queries).Select(i => Exchange(sockets, upstream, $"q{i}.example.com")).ToList();
        await upstream.WaitForQueriesAsync(queries);
        Assert.Equal(2 * UpstreamSockets.SocketsPerUpstream, sockets.SocketCount);
        clock.Advance(Timeout);

        foreach (var exchange in exchanges)
        {
            await Assert.ThrowsAsync<TimeoutException>(() => exchange);
        }

        // No reply ever comes: the reply thread must be woken to close the retired sockets.
        await Eventually.TrueAsync(
            () => Task.FromResult(sockets.SocketCount == UpstreamSockets.SocketsPerUpstream), TimeSpan.FromSeconds(10), "retired sockets closed");
    }

    [Fact]
    public async Task Exchange_QueriesOutstandingOnOneSocket_EachWithItsOwnIdAndItsOwnAnswer()
    {
        using var upstream = new FakeUpstream(script: FakeUpstream.Delayed(TimeSpan.FromMilliseconds(200), FakeUpstream.AnswerA()));
        using var sockets = new UpstreamSockets(1, Expire, () => { }, e => Assert.Fail(e.ToString()), TimeProvider.System);
        var names = Enumerable.Range(0, 3 * UpstreamSockets.SocketsPerUpstream).Select(i => $"n{i}.example.com").ToList();

        var replies = await Task.WhenAll(names.Select(async name => (name, reply: await ExchangeReply(sockets, upstream, name))));

        Assert.All(replies, r => Assert.Equal(r.name + ".", Assert.Single(TestQuery.Parse(r.reply).Questions).Name, ignoreCase: true));
        Assert.Equal(names.Count, upstream.Queries.Select(q => (q.Source.Port, q.Id)).Distinct().Count());
    }

    [Theory]
    [InlineData(9, false)]
    [InlineData(10, true)]
    public async Task Exchange_AfterSomeSeconds_EachSocketReplacedOnlyOnceItIsOlderThanExpire(int seconds, bool replaced)
    {
        using var upstream = new FakeUpstream(script: FakeUpstream.AnswerA());
        var clock = new FakeTimeProvider();
        using var sockets = new UpstreamSockets(1, Expire, () => { }, e => Assert.Fail(e.ToString()), clock);

        // One query per socket place, far fewer than QueriesPerSocket, before and after the clock moves.
        async Task OneRound(string round)
        {
            await Task.WhenAll(Enumerable.Range(0, UpstreamSockets.SocketsPerUpstream).Select(i => ExchangeReply(sockets, upstream, $"{round}{i}.example.com")));

            // Off the reply thread, where the last reply's continuation runs: the test goes on to move the clock and,
            // at its end, to stop the reply thread.
            await Task.Yield();
        }

        await OneRound("a");
        Assert.Equal(UpstreamSockets.SocketsPerUpstream, sockets.SocketsOpened);
        clock.Advance(TimeSpan.FromSeconds(seconds));
        await OneRound("b");

        Assert.Equal((replaced ? 2 : 1) * UpstreamSockets.SocketsPerUpstream, sockets.SocketsOpened);
        Assert.Equal(2 * UpstreamSockets.SocketsPerUpstream, upstream.Queries.Count);
    }

    [Fact]
    public async Task Dispose_QueriesOutstanding_EachFailsAsCanceled()
    {
        using var upstream = new FakeUpstream(script: FakeUpstream.Silent);
        var sockets = new UpstreamSockets(1, Expire, () => { }, e => Assert.Fail(e.ToString()), TimeProvider.System);
        var exchanges = Enumerable.Range(0, 4).Select(i => Exchange(sockets, upstream, $"q{i}.example.com")).ToList();
        await upstream.WaitForQueriesAsync(exchanges.Count);

        sockets.Dispose();

        foreach (var exchange in exchanges)
        {
            await Assert.ThrowsAsync<OperationCanceledException>(() => exchange);
        }

        Assert.Equal(0, sockets.SocketCount);
        await Assert.ThrowsAsync<OperationCanceledException>(() => Exchange(sockets, upstream, "late.example.com"));
    }

    [Fact]
    public async Task Dispose_FromAReplysContinuationOnTheReplyThread_ReturnsAndCancelsTheRest()
    {
        using var upstream = new FakeUpstream(script: query => query.QName.StartsWith("answered", StringComparison.OrdinalIgnoreCase)
            ? FakeUpstream.Delayed(TimeSpan.FromMilliseconds(100), FakeUpstream.AnswerA())(query)
            : FakeUpstream.Silent(query));
        var sockets = new UpstreamSockets(1, Expire, () => { }, e => Assert.Fail(e.ToString()), TimeProvider.System);
        var waiting = Exchange(sockets, upstream, "silent.example.com");
        string? disposedOn = null;

        // Runs where the reply completes the exchange: on the reply thread, which Dispose must not wait for.
        var disposed = Exchange(sockets, upstream, "answered.example.com").ContinueWith(
            _ =>
            {
                disposedOn = Thread.CurrentThread.Name;
                sockets.Dispose();
            },
            TaskContinuationOptions.ExecuteSynchronously);

        await disposed.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("dns-forward-replies", disposedOn);
        await Assert.ThrowsAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(0, sockets.SocketCount);
    }

    private static async Task<byte[]> ExchangeReply(UpstreamSockets sockets, FakeUpstream upstream, string name)
    {
        var reply = new byte[UpstreamSockets.ReplyBufferSize];
        var length = await Exchange(sockets, upstream, name, reply);
        return reply[..length];
    }

    private static Task<int> Exchange(UpstreamSockets sockets, FakeUpstream upstream, string name, byte[]? reply = null)
    {
        var query = TestQuery.Build(name);
        Assert.Equal(QueryParseStatus.Ok, DnsQueryParser.Parse(query, out var parsed));
        var question = query.AsMemory(DnsQuery.QuestionOffset, parsed.QuestionLength);
        var request = new byte[512];
        var length = UpstreamMessages.WriteQuery(request, 0, question.Span, parsed.Header.Flags, dnssecOk: false, withEdns: true);
        try
        {
            return sockets.ExchangeAsync(0, upstream.Endpoint, request.AsSpan(0, length), question, reply ?? new byte[UpstreamSockets.ReplyBufferSize], Timeout).AsTask();
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException)
        {
            return Task.FromException<int>(e);
        }
    }
}
