using ActorDns.ControlPlane.Zones;
using Xunit;
using static ActorDns.ControlPlane.Tests.Support.Keys;

namespace ActorDns.ControlPlane.Tests.Zones;

/// <summary>SPEC §4.1 names of an entry (reference §11, scenarios 54 and 56).</summary>
public sealed class ZoneNamesTests
{
    [Fact]
    public void Of_ServiceWithUnderscores_ExactNameAndDottedAlias()
    {
        Assert.Equal(
            [new ZoneName("echo-server_echo-example_svc_1010.mesh", 0), new ZoneName("echo-server.echo-example.svc.1010.mesh", 1)],
            ZoneNames.Of(K("service:echo-server_echo-example_svc_1010"), "mesh"));
    }

    [Fact]
    public void Of_ServiceWithoutUnderscore_OnlyExactName()
    {
        Assert.Equal([new ZoneName("example.mesh", 0)], ZoneNames.Of(K("service:example"), "mesh"));
    }

    [Fact]
    public void Of_OtherDomain_UsesIt()
    {
        Assert.Equal([new ZoneName("a_b.svc.cluster", 0), new ZoneName("a.b.svc.cluster", 1)], ZoneNames.Of(K("service:a_b"), "svc.cluster"));
    }

    [Theory]
    [InlineData("host:external.service.com", "external.service.com")]
    [InlineData("host:my_host.example.com", "my_host.example.com")]
    [InlineData("fqdn:service1.a.mesh", "service1.a.mesh")]
    public void Of_HostOrFqdn_NameAsIs(string key, string name)
    {
        Assert.Equal([new ZoneName(name, 0)], ZoneNames.Of(K(key), "mesh"));
    }

    [Theory]
    [InlineData("backend.mesh")]
    [InlineData("echo-server_echo-example_svc_1010.mesh")]
    [InlineData("external.service.com.")]
    public void Problem_ValidName_Null(string name)
    {
        Assert.Null(ZoneNames.Problem(name));
    }

    [Fact]
    public void Problem_63OctetLabel_Null()
    {
        Assert.Null(ZoneNames.Problem(new string('a', 63) + ".mesh"));
    }

    [Fact]
    public void Problem_64OctetLabel_NamesTheName()
    {
        var name = new string('a', 64) + ".mesh";

        var problem = ZoneNames.Problem(name);

        Assert.NotNull(problem);
        Assert.StartsWith(name, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Problem_NameOver255Octets_NotNull()
    {
        // Four 63-octet labels and "mesh": 4 × 64 + 5 + 1 = 262 octets on the wire.
        var name = string.Join('.', Enumerable.Repeat(new string('a', 63), 4)) + ".mesh";

        Assert.NotNull(ZoneNames.Problem(name));
    }

    [Fact]
    public void Problem_EmptyLabel_NotNull()
    {
        Assert.NotNull(ZoneNames.Problem("a..mesh"));
    }

    [Theory]
    [InlineData(".a.mesh")]
    [InlineData("a\\")]
    public void Problem_ShortNameTheFastPathMustNotAccept_NotNull(string name)
    {
        // Short names skip the full parse only when nothing in them can be invalid: a leading dot, an escape.
        Assert.NotNull(ZoneNames.Problem(name));
    }

    [Theory]
    [InlineData("Backend.MESH", "backend.mesh")]
    [InlineData("backend.mesh.", "backend.mesh")]
    public void Key_Name_LowerCasedWithoutTrailingDot(string name, string key)
    {
        Assert.Equal(key, ZoneNames.Key(name));
    }
}
