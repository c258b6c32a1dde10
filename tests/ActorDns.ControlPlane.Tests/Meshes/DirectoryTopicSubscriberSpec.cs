using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.TestKit.Xunit2;
using ActorDns.ControlPlane.Meshes;
using ActorDns.ControlPlane.Tokens;
using Xunit;
using static ActorDns.ControlPlane.Meshes.MeshDirectoryProtocol;

namespace ActorDns.ControlPlane.Tests.Tokens;

/// <summary>A node's revoked tokens follow the directory's announcements on the revocations topic.</summary>
public sealed class RevokedTokensSpec : TestKit
{
    [Fact]
    public void Subscriber_OnTheRevocationsTopic_AppliesWhatIsPublished()
    {
        var revoked = new RevokedTokens();
        var mediator = CreateTestProbe();
        var subscriber = Sys.ActorOf(DirectoryTopicSubscriber<RevocationList>.Props(RevocationsTopic, revoked.Update, mediator.Ref));
        Assert.Equal(RevocationsTopic, mediator.ExpectMsg<Subscribe>().Topic);

        subscriber.Tell(new RevocationList(["leaked"], 3));

        AwaitCondition(() => revoked.Contains("leaked"));
    }
}
