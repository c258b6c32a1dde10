using System.Net;
using ActorDns.LoadTest.Query;
using ActorDns.Testing.Dns;
using Xunit;

namespace ActorDns.LoadTest.Tests.Query;

/// <summary>Query mode end to end, in process, against a <see cref="FakeUpstream"/> on loopback. Counts only, never speeds.</summary>
public sealed class QueryLoadTests
{
    private static readonly string[] Names = ["backend.mesh", "Web.Mesh", "db.default.svc.mesh"];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Run_ResponderAnswersEverything_AnswersEveryQuerySent(bool tcp)
    {
        using var responder = new FakeUpstream(IPAddress.Loopback, FakeUpstream.AnswerA());
        var options = new QueryOptions([responder.Endpoint], Names, 2000, TimeSpan.FromSeconds(1), 20, 42, tcp, TimeSpan.FromSeconds(2), 4);

        var report = QueryLoad.Run(options, CancellationToken.None);

        Assert.Equal(2000, report.Sent);
        Assert.Equal(report.Sent, report.Answered);
        Assert.Equal(0, report.Lost);
        Assert.Equal(0, report.SendErrors);
        Assert.Equal(0, report.Unmatched);
        Assert.Equal(0, report.WrongQuestion);
        Assert.Equal(report.Answered, report.Latency.Count);
        Assert.Equal(report.Sent, report.SendLag.Count);
        Assert.Equal(new Dictionary<string, long> { ["NOERROR"] = 2000 }, report.Rcodes);
        Assert.Equal(2000, responder.QueryCount);
        Assert.Equal(0, report.ExitCode());
    }

    [Fact]
    public void Run_ReplyWithAnotherQuestion_CountsItAsWrongAndTheQueryAsLost()
    {
        using var responder = new FakeUpstream(IPAddress.Loopback, FakeUpstream.Bad(FakeUpstream.BadReply.WrongName));
        var options = new QueryOptions([responder.Endpoint], Names, 200, TimeSpan.FromSeconds(0.25), 20, 1, false, TimeSpan.FromMilliseconds(200), 2);

        var report = QueryLoad.Run(options, CancellationToken.None);

        Assert.Equal(50, report.Sent);
        Assert.Equal(0, report.Answered);
        Assert.Equal(50, report.Lost);
        Assert.Equal(50, report.WrongQuestion);
        Assert.Equal(0, report.Latency.Count);
        Assert.Equal(1, report.ExitCode());
    }

    [Fact]
    public void Run_SilentServer_LosesEveryQuery()
    {
        using var responder = new FakeUpstream(IPAddress.Loopback, FakeUpstream.Silent);
        var options = new QueryOptions([responder.Endpoint], Names, 200, TimeSpan.FromSeconds(0.25), 20, 1, false, TimeSpan.FromMilliseconds(100), 2);

        var report = QueryLoad.Run(options, CancellationToken.None);

        Assert.Equal(50, report.Sent);
        Assert.Equal(50, report.Lost);
        Assert.Equal(100, report.LossPercent);
        Assert.Empty(report.Rcodes);
    }

    [Fact]
    public void Run_TwoServers_SplitsTheQueriesEvenly()
    {
        using var first = new FakeUpstream(IPAddress.Loopback, FakeUpstream.AnswerA());
        using var second = new FakeUpstream(IPAddress.Loopback, FakeUpstream.AnswerA());
        var options = new QueryOptions([first.Endpoint, second.Endpoint], Names, 400, TimeSpan.FromSeconds(0.5), 20, 3, false, TimeSpan.FromSeconds(2), 3);

        var report = QueryLoad.Run(options, CancellationToken.None);

        Assert.Equal(4, report.Sockets);
        Assert.Equal([100, 100], report.PerServer.Select(s => s.Sent));
        Assert.Equal(100, first.QueryCount);
        Assert.Equal(100, second.QueryCount);
    }
}
