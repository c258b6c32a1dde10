using System.Net;
using ActorDns.LoadTest.Churn;
using ActorDns.Protocol;
using Xunit;

namespace ActorDns.LoadTest.Tests.Churn;

public sealed class AnswerCheckTests
{
    private static readonly string[] Resolvers = ["127.0.0.1:15053", "127.0.0.2:15053"];

    [Fact]
    public void Verify_EveryResolverAnswersTheVip_FindsNothingWrong()
    {
        var verdict = AnswerCheck.Verify([Trace("churn-x-0", "240.0.0.1", "240.0.0.1")], Resolvers, Vips(("churn-x-0", "240.0.0.1")), []);

        Assert.Empty(verdict.Wrong);
        Assert.Equal(1, verdict.Verified);
    }

    [Fact]
    public void Verify_OneResolverAnswersAnotherAddress_ReportsThatResolver()
    {
        var verdict = AnswerCheck.Verify([Trace("churn-x-0", "240.0.0.1", "240.0.0.9")], Resolvers, Vips(("churn-x-0", "240.0.0.1")), []);

        var wrong = Assert.Single(verdict.Wrong);
        Assert.Contains("127.0.0.2:15053 answered 240.0.0.9", wrong);
    }

    [Fact]
    public void Verify_VipNeverSeenAndResolversDisagree_IsWrong()
    {
        var verdict = AnswerCheck.Verify([Trace("churn-x-0", "240.0.0.1", "240.0.0.2")], Resolvers, Vips(), []);

        Assert.Single(verdict.Wrong);
        Assert.Equal(1, verdict.Unverified);
    }

    [Fact]
    public void Verify_VipNeverSeenAndResolversAgree_IsUnverifiedNotWrong()
    {
        var verdict = AnswerCheck.Verify([Trace("churn-x-0", "240.0.0.1", null)], Resolvers, Vips(), []);

        Assert.Empty(verdict.Wrong);
        Assert.Equal(1, verdict.Unverified);
    }

    [Fact]
    public void Verify_VipChanged_IsWrong()
    {
        var verdict = AnswerCheck.Verify([], Resolvers, Vips(), ["churn-x-0: VIP changed from 240.0.0.1 to 240.0.0.2"]);

        Assert.Single(verdict.Wrong);
    }

    private static ServiceTrace Trace(string name, params string?[] answers)
    {
        var trace = new ServiceTrace(0, name, answers.Length);
        trace.Resolved = answers.Select(a => a is null ? null : new ProbeAnswer(0, DnsRcode.NoError, IPAddress.Parse(a))).ToArray();
        return trace;
    }

    private static Dictionary<string, string> Vips(params (string Name, string Vip)[] entries) => entries.ToDictionary(e => e.Name, e => e.Vip);
}
