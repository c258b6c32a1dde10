using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.TestKit.Xunit2;
using ActorDns.ControlPlane.Meshes;
using ActorDns.ControlPlane.Tokens;
using Xunit;
using static ActorDns.ControlPlane.Meshes.MeshDirectoryProtocol;

namespace ActorDns.ControlPlane.Tests.Meshes;

/// <summary>A node's copies follow the directory's announcements: here the revoked tokens, on the revocations topic.</summary>
public sealed class DirectoryTopicSubscriberSpec : TestKit
{
    [Fact]
    public void Subscriber_OnTheRevocationsTopic_AppliesWhatIsPublished()
    {
        var revoked = new RevokedTokens();
        var mediator = CreateTestProbe();
        var subscriber = Sys.ActorOf(RevocationsSubscriber(revoked, mediator.Ref));
        Assert.Equal(RevocationsTopic, mediator.ExpectMsg<Subscribe>().Topic);

        subscriber.Tell(new RevocationList(["leaked"], 3));

        AwaitCondition(() => revoked.Contains("leaked"));
    }
}
