using Microsoft.Extensions.Logging;

namespace ActorDns.Server.Forwarding;

/// <summary>Source-generated log messages of the forwarder.</summary>
internal static partial class ForwarderLog
{
    [LoggerMessage(EventId = 110, Level = LogLevel.Error, Message = "Unexpected error on the forwarder's reply thread")]
    public static partial void Unexpected(ILogger logger, Exception exception);
}
