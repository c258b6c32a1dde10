using ActorDns.ControlPlane.Meshes;
using Xunit;

namespace ActorDns.ControlPlane.Tests.Meshes;

/// <summary>The persistence ids already in journals: a change would orphan every stored mesh.</summary>
public sealed class PersistenceIdsTests
{
    [Fact]
    public void Ids_AsWrittenToTheJournal_Unchanged()
    {
        Assert.Equal("mesh-payments", PersistenceIds.Mesh("payments"));
        Assert.Equal("mesh-directory", PersistenceIds.Directory);
    }
}
