using ActorDns.ControlPlane.Tokens;
using Xunit;
using static ActorDns.ControlPlane.Meshes.MeshDirectoryProtocol;

namespace ActorDns.ControlPlane.Tests.Tokens;

/// <summary>A node's copy of the revoked token ids: unknown until the first list, never back to an older one.</summary>
public sealed class RevokedTokensTests
{
    [Fact]
    public void Update_NewerListsOnly_AndKnownFromTheFirst()
    {
        var revoked = new RevokedTokens();
        Assert.False(revoked.IsKnown);

        revoked.Update(new RevocationList([], 0));
        Assert.True(revoked.IsKnown);
        revoked.Update(new RevocationList(["a", "b"], 5));
        revoked.Update(new RevocationList(["a"], 4));

        Assert.True(revoked.Contains("b"));
        Assert.False(revoked.Contains("c"));
    }
}
