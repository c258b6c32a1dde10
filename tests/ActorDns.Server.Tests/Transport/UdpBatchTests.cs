using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorDns.Server.Forwarding;
using ActorDns.Server.Tests.Forwarding;
using ActorDns.Server.Tests.Support;
using ActorDns.Server.Transport;
using Xunit;

namespace ActorDns.Server.Tests.Transport;

/// <summary>
/// The Linux recvmmsg/sendmmsg buffers on real sockets: datagrams queued before the call come back in one batch,
/// each reply reaches its own sender, and a loop blocked in the kernel can be woken to stop. Linux only, as the
/// project is (SO_REUSEPORT, the CI machine); elsewhere the listener runs its portable loop.
/// </summary>
public sealed class UdpBatchTests : IDisposable
{
    private readonly Socket _server = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

    public UdpBatchTests()
    {
        _server.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    }

    private int Fd => (int)_server.SafeHandle.DangerousGetHandle();

    [Fact]
    public async Task Receive_TakesEveryQueuedDatagramInOneCall_AndEachReplyReachesItsSender()
    {
        var clients = Enumerable.Range(0, 5).Select(_ => Client()).ToList();
        for (var i = 0; i < clients.Count; i++)
        {
            clients[i].Send(Encoding.ASCII.GetBytes($"query-{i}"));
        }

        // Loopback delivery is synchronous: every datagram is queued by the time Send returns.
        using var batch = new UdpBatch(8);

        var received = batch.Receive(Fd);

        Assert.Equal(clients.Count, received);
        for (var slot = 0; slot < received; slot++)
        {
            var text = Encoding.ASCII.GetString(batch.Request(slot, out var truncated));
            Assert.False(truncated);
            var reply = Encoding.ASCII.GetBytes(text.Replace("query", "reply", StringComparison.Ordinal));
            reply.CopyTo(batch.ReplyBuffer(slot));
            batch.QueueReply(slot, reply.Length);
        }

        Assert.Equal(0, batch.SendQueued(Fd, out _));
        for (var i = 0; i < clients.Count; i++)
        {
            Assert.Equal($"reply-{i}", await ReceiveTextAsync(clients[i]));
            clients[i].Dispose();
        }
    }

    [Fact]
    public void Receive_StopsAtCapacity_AndTheRestWaitForTheNextCall()
    {
        using var client = Client();
        for (var i = 0; i < 5; i++)
        {
            client.Send([(byte)i]);
        }

        using var batch = new UdpBatch(3);

        Assert.Equal(3, batch.Receive(Fd));
        Assert.Equal(2, batch.Receive(Fd));
        Assert.Equal([3], batch.Request(0, out _).ToArray());
    }

    [Fact]
    public void CopySender_IsTheClientsAddress()
    {
        using var client = Client();
        client.Send([1]);
        using var batch = new UdpBatch(2);

        Assert.Equal(1, batch.Receive(Fd));
        var sender = batch.CopySender(0, AddressFamily.InterNetwork);

        Assert.Equal(client.LocalEndPoint, new IPEndPoint(IPAddress.Any, 0).Create(sender));
    }

    [Fact]
    public async Task Wake_ReturnsAThreadBlockedInReceive()
    {
        using var batch = new UdpBatch(2);
        var blocked = Task.Factory.StartNew(() => batch.Receive(Fd), TaskCreationOptions.LongRunning);
        await Task.Delay(200); // let the thread enter recvmmsg; waking it earlier is the same case, less interesting

        UdpBatch.Wake(_server);

        var completed = await Task.WhenAny(blocked, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.Same(blocked, completed);
        // What it returns (an empty datagram or an error) does not matter: the loop checks its stop flag first.
        await blocked;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(32)]
    public async Task Listener_AnswersAQueryBurstFromManyClients_WithAndWithoutBatching(int batchSize)
    {
        var options = new DnsListenerOptions(new IPEndPoint(IPAddress.Loopback, 0)) { UdpLoops = 1, UdpBatchSize = batchSize };
        using var server = new TestServer(TestMesh.Table(), listenerOptions: options, forwarderOptions: new ForwarderOptions());
        var clients = Enumerable.Range(0, 20).Select(_ => Client(server.Endpoint)).ToList();
        for (var i = 0; i < clients.Count; i++)
        {
            clients[i].Send(new QueryBuilder { Id = (ushort)(1000 + i) }.Build());
        }

        for (var i = 0; i < clients.Count; i++)
        {
            var reply = TestQuery.Parse(await ReceiveAsync(clients[i]));
            Assert.Equal((ushort)(1000 + i), reply.Id);
            Assert.Equal([TestMesh.BackendVip], reply.Addresses());
            clients[i].Dispose();
        }

        var calls = await MetricsText.ReadAsync(server.Registry, "actordns_dns_udp_receive_calls_total");
        Assert.InRange(calls ?? 0, 1, clients.Count);
        if (batchSize == 1)
        {
            Assert.Equal(clients.Count, calls);
        }
    }

    private Socket Client() => Client((IPEndPoint)_server.LocalEndPoint!);

    private static Socket Client(IPEndPoint server)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(server);
        return socket;
    }

    private static async Task<byte[]> ReceiveAsync(Socket client)
    {
        var buffer = new byte[2048];
        using var timeout = new CancellationTokenSource(TestMesh.ClientTimeout);
        var length = await client.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return buffer[..length];
    }

    private static async Task<string> ReceiveTextAsync(Socket client) => Encoding.ASCII.GetString(await ReceiveAsync(client));

    public void Dispose() => _server.Dispose();
}
