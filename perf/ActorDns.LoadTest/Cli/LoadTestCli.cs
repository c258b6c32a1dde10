using System.CommandLine;

namespace ActorDns.LoadTest.Cli;

/// <summary>The <c>ActorDns.LoadTest</c> command line.</summary>
internal static class LoadTestCli
{
    public static RootCommand Build() => new("Load-test harness for ActorDns: open-loop DNS query load, and registration churn timed on the resolvers.")
    {
        QueryCommand.Build(),
        ChurnCommand.Build(),
    };
}
