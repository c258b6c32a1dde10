using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace ActorDns.Server.Transport;

/// <summary>Source-generated log messages of the transports.</summary>
internal static partial class TransportLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "DNS listening on {Endpoint} (udp x{Loops}, tcp) for mesh {Mesh}")]
    public static partial void Listening(ILogger logger, IPEndPoint endpoint, int loops, string mesh);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Socket on {Endpoint} reported {Error}; continuing")]
    public static partial void TransientError(ILogger logger, IPEndPoint endpoint, SocketError error);

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "{Call} on {Endpoint} failed: {Error}; continuing")]
    public static partial void BatchError(ILogger logger, IPEndPoint endpoint, string call, string error);

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "recvmmsg is not available on {Endpoint}; receiving one datagram per system call")]
    public static partial void NoBatching(ILogger logger, IPEndPoint endpoint);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "TCP connection limit {Limit} reached on {Endpoint}; closing a new connection")]
    public static partial void TcpLimit(ILogger logger, int limit, IPEndPoint endpoint);

    [LoggerMessage(EventId = 103, Level = LogLevel.Error, Message = "Unexpected error in the DNS transport on {Endpoint}")]
    public static partial void Unexpected(ILogger logger, Exception exception, IPEndPoint endpoint);
}
