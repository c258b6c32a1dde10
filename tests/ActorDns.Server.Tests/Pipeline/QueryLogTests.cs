using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using ActorDns.Protocol;
using ActorDns.Server.Pipeline;
using ActorDns.Testing;
using ActorDns.Testing.Dns;
using Microsoft.Extensions.Logging;
using Xunit;

namespace ActorDns.Server.Tests.Pipeline;

/// <summary>CoreDNS's <c>log</c>: the default line format, the names and classes a rule covers, off the receive loop.</summary>
public sealed class QueryLogTests
{
    private static readonly byte[] Client = new IPEndPoint(IPAddress.Parse("127.0.0.42"), 40212).Serialize().Buffer.ToArray();

    [Fact]
    public async Task Record_AnsweredQuery_OneLineInCoreDnsDefaultFormat()
    {
        var logger = new LinesLogger();
        using var log = new QueryLog([new LogRule(ZoneFilter.All, LogClasses.All)], logger);
        var request = new QueryBuilder { Id = 28486, Name = "Backend.Mesh", Edns = true, Payload = 1232 }.Build();
        DnsQueryParser.Parse(request, out var query);
        var reply = Reply(request, DnsHeaderFlags.QR | DnsHeaderFlags.AA | DnsHeaderFlags.RD, DnsRcode.NoError, answers: 1);

        log.Record(Client, request, query, overTcp: false, reply, started: 0);

        var line = await Eventually.ValueAsync(() => Task.FromResult(logger.Lines.FirstOrDefault()), l => l is not null, TimeSpan.FromSeconds(5), "the line is written");
        Assert.Matches(@"^127\.0\.0\.42:40212 - 28486 ""A IN backend\.mesh\. udp " + request.Length + @" false 1232"" NOERROR qr,aa,rd " + reply.Length + @" \d+(\.\d+)?s$", line);
    }

    [Theory]
    [InlineData(LogClasses.Denial, DnsRcode.NXDomain, 0, true)]
    [InlineData(LogClasses.Denial, DnsRcode.NoError, 0, true)]
    [InlineData(LogClasses.Denial, DnsRcode.NoError, 1, false)]
    [InlineData(LogClasses.Success, DnsRcode.NoError, 1, true)]
    [InlineData(LogClasses.Error, DnsRcode.ServFail, 0, true)]
    [InlineData(LogClasses.Error, DnsRcode.NXDomain, 0, false)]
    public async Task Record_ClassOfTheAnswer_OnlyTheRulesClassesLogged(LogClasses classes, DnsRcode rcode, int answers, bool logged)
    {
        var logger = new LinesLogger();
        // The first rule whose names hold the query decides: the marker is always logged, the query under test by class.
        using var log = new QueryLog([new LogRule(new ZoneFilter([DnsName.Parse("marker.test")]), LogClasses.All), new LogRule(ZoneFilter.All, classes)], logger);
        var request = new QueryBuilder().Build();
        var marker = new QueryBuilder { Name = "marker.test" }.Build();
        DnsQueryParser.Parse(request, out var query);
        DnsQueryParser.Parse(marker, out var markerQuery);

        log.Record(Client, request, query, overTcp: true, Reply(request, DnsHeaderFlags.QR, rcode, answers), started: 0);
        log.Record(Client, marker, markerQuery, overTcp: true, Reply(marker, DnsHeaderFlags.QR, DnsRcode.NoError, 1), started: 0);

        // One writer thread, in order: once the marker is out, the query before it was written or never will be.
        await Eventually.ValueAsync(() => Task.FromResult(logger.Lines.ToList()), l => l.Any(x => x.Contains("marker.test", StringComparison.Ordinal)), TimeSpan.FromSeconds(5), "the marker line");
        Assert.Equal(logged, logger.Lines.Any(l => l.Contains("backend.mesh.", StringComparison.Ordinal)));
    }

    [Fact]
    public void Record_AllocatesNothing()
    {
        using var log = new QueryLog([new LogRule(new ZoneFilter([DnsName.Parse("example.org")]), LogClasses.All), new LogRule(ZoneFilter.All, LogClasses.All)], new LinesLogger());
        var request = new QueryBuilder().Build();
        DnsQueryParser.Parse(request, out var query);
        var reply = Reply(request, DnsHeaderFlags.QR, DnsRcode.NoError, 1);
        Assert.Equal(0, Allocations.FewestPerRound(() => log.Record(Client, request, query, overTcp: false, reply, started: 0)));
    }

    [Fact]
    public async Task Record_NameOutsideTheRulesNames_NotLogged()
    {
        var logger = new LinesLogger();
        using var log = new QueryLog([new LogRule(new ZoneFilter([DnsName.Parse("example.org")]), LogClasses.All), new LogRule(ZoneFilter.All, LogClasses.Error)], logger);
        var inside = new QueryBuilder { Name = "www.example.org" }.Build();
        var outside = new QueryBuilder { Name = "backend.mesh" }.Build();
        DnsQueryParser.Parse(inside, out var insideQuery);
        DnsQueryParser.Parse(outside, out var outsideQuery);

        log.Record(Client, outside, outsideQuery, overTcp: false, Reply(outside, DnsHeaderFlags.QR, DnsRcode.NoError, 1), started: 0);
        log.Record(Client, inside, insideQuery, overTcp: false, Reply(inside, DnsHeaderFlags.QR, DnsRcode.NoError, 1), started: 0);

        var line = await Eventually.ValueAsync(() => Task.FromResult(logger.Lines.FirstOrDefault()), l => l is not null, TimeSpan.FromSeconds(5), "a line is written");
        Assert.Contains("www.example.org.", line, StringComparison.Ordinal);
        Assert.DoesNotContain(logger.Lines, l => l.Contains("backend.mesh", StringComparison.Ordinal));
    }

    /// <summary>A reply header with the counts asked for, followed by the question (enough for the log's reading).</summary>
    private static byte[] Reply(byte[] request, ushort flags, DnsRcode rcode, int answers)
    {
        var reply = request.ToArray();
        new DnsWriter(reply).WriteHeader(new DnsHeader(BinaryPrimitives.ReadUInt16BigEndian(request), (ushort)(flags | (ushort)rcode), 1, (ushort)answers, 0, 0));
        return reply;
    }

    private sealed class LinesLogger : ILogger
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Enqueue(formatter(state, exception));
    }
}
