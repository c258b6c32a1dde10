using System.Reflection;
using Xunit;

namespace ActorDns.Server.Tests;

/// <summary>ARCHITECTURE.md: the data plane never depends on Akka.</summary>
public class ArchitectureTests
{
    [Theory]
    [InlineData("ActorDns.Protocol")]
    [InlineData("ActorDns.Server")]
    public void DataPlaneAssembly_DoesNotReferenceAkka(string assemblyName)
    {
        var references = Assembly.Load(assemblyName).GetReferencedAssemblies().Select(a => a.Name ?? "");

        Assert.DoesNotContain(references, name => name.StartsWith("Akka", StringComparison.Ordinal));
    }

    [Fact]
    public void ProtocolAssembly_ReferencesOnlyTheBcl()
    {
        var references = typeof(ActorDns.Protocol.DnsName).Assembly.GetReferencedAssemblies().Select(a => a.Name ?? "");

        Assert.All(references, name => Assert.True(name.StartsWith("System", StringComparison.Ordinal) || name == "netstandard", name));
    }
}
