using Microsoft.Extensions.Logging;

namespace ActorDns.Server.Pipeline;

/// <summary>The loggers a pipeline's <c>log</c> (one line per query) and <c>errors</c> (failed forwards) write to.</summary>
public sealed class PipelineLogs(ILoggerFactory loggers)
{
    public ILogger Queries { get; } = loggers.CreateLogger("ActorDns.Dns.Query");

    public ILogger Errors { get; } = loggers.CreateLogger("ActorDns.Dns.Errors");
}

/// <summary>Source-generated log messages of the pipeline.</summary>
internal static partial class PipelineLog
{
    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "{Line}")]
    public static partial void Query(ILogger logger, string line);

    [LoggerMessage(EventId = 201, Level = LogLevel.Error, Message = "SERVFAIL {Name} {Type}: no upstream of {Upstreams} answered")]
    public static partial void ForwardFailed(ILogger logger, string name, string type, string upstreams);
}
