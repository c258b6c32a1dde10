using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ActorDns.Protocol;
using ActorDns.Server.Query;
using ActorDns.Server.Tests.Support;
using ActorDns.Server.Transport;
using ActorDns.Testing.Dns;
using Xunit;

namespace ActorDns.Server.Tests.Conformance;

/// <summary>TCP cases P-55…P-64 of dns-conformance.md (RFC 7766), with short timeouts and a small connection cap.</summary>
public sealed class TcpConformanceTests : IDisposable
{
    // Short enough to keep the suite quick, long enough for a loaded 2-core CI machine to move 64 KiB.
    private static readonly TimeSpan IoTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(3);
    private const int MaxConnections = 8;

    // AAAA replies of about 1.8 KB, so that the kernel's send buffer (auto-tuned up to megabytes) fills
    // after a few thousand queries rather than a hundred thousand.
    private const string WideName = "wide.mesh";

    private readonly TestServer _server;

    public TcpConformanceTests()
    {
        var table = ZoneTable.Create(new ZoneSettings(), 1,
        [
            new ZoneRecord("backend.mesh", [IPAddress.Parse("240.0.0.1")]),
            new ZoneRecord(WideName, [.. Enumerable.Range(1, ZoneEntry.MaxAddressesPerFamily).Select(i => IPAddress.Parse($"fd00::{i:x}"))]),
        ]);
        _server = new TestServer(table, listenerOptions: new DnsListenerOptions(new IPEndPoint(IPAddress.Loopback, 0))
        {
            UdpLoops = 1,
            TcpIoTimeout = IoTimeout,
            TcpIdleTimeout = IdleTimeout,
            TcpMaxConnections = MaxConnections,
        }, alternateRcodes: []);
    }

    private async Task<(TcpClient Client, NetworkStream Stream)> ConnectAsync()
    {
        var client = new TcpClient();
        await client.ConnectAsync(_server.Endpoint);
        return (client, client.GetStream());
    }

    private static byte[] Query(ushort id) => new QueryBuilder { Id = id }.Build();

    /// <summary>True when the server closed the connection (EOF or reset) within <paramref name="within"/>.</summary>
    private static async Task<bool> ClosedWithinAsync(NetworkStream stream, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            var buffer = new byte[512];
            while (true)
            {
                if (await stream.ReadAsync(buffer, timeout.Token) == 0)
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(100)]
    public async Task PipelinedQueriesInOneWrite_AreAllAnswered(int count)
    {
        // P-55 (RFC 7766 §6.2.1.1).
        var (client, stream) = await ConnectAsync();
        using var _ = client;
        var all = Enumerable.Range(1, count).SelectMany(i => DnsTestClient.Frame(Query((ushort)i))).ToArray();
        await stream.WriteAsync(all);

        var ids = new HashSet<int>();
        for (var i = 0; i < count; i++)
        {
            var reply = await DnsTestClient.ReadFramedAsync(stream, TimeSpan.FromSeconds(2));
            Assert.NotNull(reply);
            DnsHeader.TryRead(reply, out var header);
            Assert.Equal(DnsRcode.NoError, header.Rcode);
            ids.Add(header.Id);
        }

        Assert.Equal(count, ids.Count);
    }

    [Fact]
    public async Task OneOctetPerWrite_IsAnswered()
    {
        // P-56 (RFC 7766 §8), split inside the length prefix too.
        var (client, stream) = await ConnectAsync();
        using var _ = client;
        client.NoDelay = true;
        foreach (var octet in DnsTestClient.Frame(Query(9)))
        {
            await stream.WriteAsync(new[] { octet });
            await stream.FlushAsync();
            await Task.Delay(5);
        }

        var reply = await DnsTestClient.ReadFramedAsync(stream, TimeSpan.FromSeconds(2));
        Assert.NotNull(reply);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(11)]
    public async Task LengthPrefixBelowAHeader_ClosesTheConnection(ushort length)
    {
        // P-57, P-58.
        var (client, stream) = await ConnectAsync();
        using var _ = client;
        byte[] message = [(byte)(length >> 8), (byte)length, .. new byte[length]];
        await stream.WriteAsync(message);

        Assert.True(await ClosedWithinAsync(stream, TimeSpan.FromSeconds(2)));
        Assert.NotNull(await DnsTestClient.TcpAsync(_server.Endpoint, Query(1)));
    }

    [Fact]
    public async Task PartialMessageThenSilence_IsClosedAfterTheIoTimeout()
    {
        // P-59 (slowloris): closed after the per-message I/O timeout, long before the idle timeout.
        var (client, stream) = await ConnectAsync();
        using var _ = client;
        var framed = DnsTestClient.Frame(Query(1));
        await stream.WriteAsync(framed.AsMemory(0, 7));
        var watch = Stopwatch.StartNew();

        Assert.True(await ClosedWithinAsync(stream, TimeSpan.FromSeconds(5)));
        Assert.True(watch.Elapsed < IdleTimeout, $"closed after {watch.Elapsed}: the I/O timeout, not the idle one, must apply");
    }

    [Fact]
    public async Task IdleConnection_IsClosedAfterTheIdleTimeout()
    {
        // P-60 (RFC 7766 §6.2.3): an answered connection that then goes quiet is closed too.
        var (client, stream) = await ConnectAsync();
        using var _ = client;
        await stream.WriteAsync(DnsTestClient.Frame(Query(1)));
        Assert.NotNull(await DnsTestClient.ReadFramedAsync(stream, TimeSpan.FromSeconds(2)));

        // Not closed early: quiet for half the idle timeout, the connection still answers (and starts a new idle period).
        Assert.False(await ClosedWithinAsync(stream, IdleTimeout / 2));
        await stream.WriteAsync(DnsTestClient.Frame(Query(2)));
        Assert.NotNull(await DnsTestClient.ReadFramedAsync(stream, TimeSpan.FromSeconds(2)));

        Assert.True(await ClosedWithinAsync(stream, IdleTimeout + TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task ConnectionsBeyondTheCap_AreClosedAndOthersKeepWorking()
    {
        // P-61 (RFC 7766 §10).
        var held = new List<TcpClient>();
        try
        {
            for (var i = 0; i < MaxConnections; i++)
            {
                var (client, stream) = await ConnectAsync();
                held.Add(client);
                await stream.WriteAsync(DnsTestClient.Frame(Query((ushort)i)));
                Assert.NotNull(await DnsTestClient.ReadFramedAsync(stream, TimeSpan.FromSeconds(2)));
            }

            Assert.True(await ExtraConnectionIsRejectedAsync());

            Assert.NotNull(await DnsTestClient.UdpAsync(_server.Endpoint, Query(77)));
            var first = held[0].GetStream();
            await first.WriteAsync(DnsTestClient.Frame(Query(78)));
            Assert.NotNull(await DnsTestClient.ReadFramedAsync(first, TimeSpan.FromSeconds(2)));
        }
        finally
        {
            held.ForEach(c => c.Dispose());
        }
    }

    /// <summary>The server resets a connection over the cap at once: the connect itself may already see the reset.</summary>
    private async Task<bool> ExtraConnectionIsRejectedAsync()
    {
        using var extra = new TcpClient();
        try
        {
            await extra.ConnectAsync(_server.Endpoint);
            return await ClosedWithinAsync(extra.GetStream(), TimeSpan.FromSeconds(2));
        }
        catch (SocketException)
        {
            return true;
        }
    }

    [Fact]
    public async Task ClientThatNeverReads_IsDisconnected()
    {
        // P-62: replies pile up in the socket buffers, a write times out and the connection is closed.
        var wideQuery = new QueryBuilder { Name = WideName, Type = (ushort)DnsRecordType.AAAA, Edns = true };
        Assert.True((await DnsTestClient.TcpAsync(_server.Endpoint, wideQuery.Build()))?.Length > 1500, "a wide reply fills the buffers quickly");
        var client = new TcpClient { ReceiveBufferSize = 4096 };
        using var _ = client;
        await client.ConnectAsync(_server.Endpoint);
        var stream = client.GetStream();
        var batch = Enumerable.Range(0, 100).SelectMany(i => DnsTestClient.Frame((wideQuery with { Id = (ushort)i }).Build())).ToArray();
        var closed = false;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            while (!deadline.IsCancellationRequested)
            {
                await stream.WriteAsync(batch, deadline.Token);
            }
        }
        catch (IOException)
        {
            closed = true;
        }

        Assert.True(closed, "the server must close a connection whose replies are never read");
        Assert.NotNull(await DnsTestClient.TcpAsync(_server.Endpoint, Query(5)));
    }

    [Fact]
    public async Task ResponseOnTheStream_IsIgnoredAndTheNextQueryAnswered()
    {
        // P-63, as Knot.
        var (client, stream) = await ConnectAsync();
        using var _ = client;
        var response = new QueryBuilder { Id = 1, Flags = DnsHeaderFlags.QR }.Build();
        await stream.WriteAsync(DnsTestClient.Frame(response).Concat(DnsTestClient.Frame(Query(2))).ToArray());

        var reply = await DnsTestClient.ReadFramedAsync(stream, TimeSpan.FromSeconds(2));
        Assert.NotNull(reply);
        DnsHeader.TryRead(reply, out var header);
        Assert.Equal(2, header.Id);
    }

    [Fact]
    public async Task MaximumSizeRandomMessage_IsFormErrAndTheServerStaysUp()
    {
        // P-64: a 65,535-octet random message is parsed within one buffer and rejected.
        var noise = new byte[ushort.MaxValue];
        new Random(64).NextBytes(noise);
        noise[2] &= 0x07; // QR=0 and opcode QUERY, so the message is parsed rather than dropped or NOTIMP

        var reply = await DnsTestClient.TcpAsync(_server.Endpoint, noise);

        Assert.NotNull(reply);
        DnsHeader.TryRead(reply, out var header);
        Assert.Equal(DnsRcode.FormErr, header.Rcode);
        Assert.NotNull(await DnsTestClient.TcpAsync(_server.Endpoint, Query(3)));
    }

    public void Dispose() => _server.Dispose();
}
