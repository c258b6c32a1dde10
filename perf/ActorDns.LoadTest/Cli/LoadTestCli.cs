using System.CommandLine;

namespace ActorDns.LoadTest.Cli;

/// <summary>The <c>ActorDns.LoadTest</c> command line.</summary>
internal static class LoadTestCli
{
    public static RootCommand Build() => new("Load-test harness for ActorDns: open-loop DNS query load, registration churn timed on the resolvers, and registration throughput.")
    {
        QueryCommand.Build(),
        ChurnCommand.Build(),
        RegisterCommand.Build(),
    };
}
