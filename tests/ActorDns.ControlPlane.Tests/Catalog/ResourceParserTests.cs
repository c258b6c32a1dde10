using ActorDns.ControlPlane.Catalog;
using Xunit;
using static ActorDns.ControlPlane.Tests.Support.Keys;

namespace ActorDns.ControlPlane.Tests.Catalog;

/// <summary>SPEC §2 validation of Kuma resources and SPEC §3 entry derivation (reference §11, scenarios 15, 17–20, 28–30).</summary>
public sealed class ResourceParserTests
{
    private const string ValidDataplane = """
        {
          "type": "Dataplane",
          "mesh": "default",
          "name": "backend-1",
          "networking": {
            "address": "10.0.0.2",
            "inbound": [
              { "port": 8080, "tags": { "kuma.io/service": "backend", "version": "v1" } }
            ]
          }
        }
        """;

    private const string ValidExternalService = """
        {
          "type": "ExternalService",
          "mesh": "default",
          "name": "es-1",
          "tags": { "kuma.io/service": "my-external-service-1", "kuma.io/protocol": "http" },
          "networking": { "address": "external.service.com:8080" }
        }
        """;

    private static string Dataplane(string inbounds, string address = "\"10.0.0.2\"") => $$$"""
        {"type":"Dataplane","mesh":"default","name":"backend-1","networking":{"address":{{{address}}},"inbound":[{{{inbounds}}}]}}
        """;

    private static string ExternalService(string address, string extraNetworking = "", string tags = "{\"kuma.io/service\":\"ext\"}") => $$$"""
        {"type":"ExternalService","mesh":"default","name":"es-1","tags":{{{tags}}},"networking":{"address":"{{{address}}}"{{{extraNetworking}}}}}
        """;

    private static MeshResource Accept(ResourceKind kind, string json, string name = "backend-1")
    {
        var ok = ResourceParser.TryParse(kind, "default", name, json, out var resource, out var causes);
        Assert.True(ok, string.Join("; ", causes));
        Assert.Empty(causes);
        return resource;
    }

    private static List<ValidationCause> Reject(ResourceKind kind, string json, string mesh = "default", string name = "backend-1")
    {
        var ok = ResourceParser.TryParse(kind, mesh, name, json, out _, out var causes);
        Assert.False(ok);
        Assert.NotEmpty(causes);
        return causes;
    }

    [Theory]
    [InlineData("a..b:443")]
    [InlineData("h\u00e9llo.example:443")]
    public void TryParse_ExternalServiceHostNotADnsName_RejectedOnTheAddress(string address)
    {
        var causes = Reject(ResourceKind.ExternalService, ExternalService(address));

        Assert.Contains(causes, c => c.Field == "networking.address" && c.Message.Contains("valid DNS name", StringComparison.Ordinal));
    }

    [Fact]
    public void TryParse_ValidDataplane_AcceptedWithItsService()
    {
        var resource = Accept(ResourceKind.Dataplane, ValidDataplane);

        Assert.Equal(ResourceKind.Dataplane, resource.Kind);
        Assert.Equal("default", resource.Mesh);
        Assert.Equal("backend-1", resource.Name);
        Assert.Equal(["backend"], resource.Services);
        Assert.Null(resource.Host);
        Assert.Equal("10.0.0.2", resource.ToJson()["networking"]!["address"]!.GetValue<string>());
    }

    [Fact]
    public void TryParse_DataplaneWithTwoServices_BothServicesInOrder()
    {
        // Kuma scenario 15.
        var json = Dataplane("""
            {"port":1234,"tags":{"kuma.io/service":"service1"}},{"port":1235,"tags":{"kuma.io/service":"service2"}}
            """);

        Assert.Equal(["service1", "service2"], Accept(ResourceKind.Dataplane, json).Services);
    }

    [Fact]
    public void TryParse_DataplaneWithServiceOnTwoInbounds_OneServiceEntry()
    {
        var json = Dataplane("""
            {"port":8080,"tags":{"kuma.io/service":"web"}},{"port":8081,"tags":{"kuma.io/service":"web","version":"v2"}}
            """);

        var resource = Accept(ResourceKind.Dataplane, json);

        Assert.Equal(["web"], resource.Services);
        Assert.Equal([K("service:web")], resource.EntryKeys(serviceVipEnabled: true));
    }

    [Fact]
    public void TryParse_OnlyInboundIgnored_AcceptedWithoutService()
    {
        // Kuma scenario 28.
        var json = Dataplane("""{"port":8080,"state":"Ignored","tags":{"kuma.io/service":"backend"}}""");

        Assert.Empty(Accept(ResourceKind.Dataplane, json).Services);
    }

    [Fact]
    public void TryParse_InboundOnReservedPort49151_AcceptedWithoutService()
    {
        // Kuma scenario 29.
        var json = Dataplane("""
            {"port":49151,"tags":{"kuma.io/service":"backend"}},{"port":8080,"state":"Ready","tags":{"kuma.io/service":"other"}}
            """);

        Assert.Equal(["other"], Accept(ResourceKind.Dataplane, json).Services);
    }

    [Fact]
    public void TryParse_GatewayWithoutInbound_AcceptedWithoutService()
    {
        const string json = """
            {"type":"Dataplane","mesh":"default","name":"gw-1","networking":{"address":"10.0.0.9","gateway":{"tags":{"kuma.io/service":"edge"}}}}
            """;

        Assert.Empty(Accept(ResourceKind.Dataplane, json, "gw-1").Services);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(65535)]
    public void TryParse_InboundPortAtRangeEnd_Accepted(int port)
    {
        var json = Dataplane($$$"""{"port":{{{port}}},"tags":{"kuma.io/service":"backend"}}""");

        Assert.Equal(["backend"], Accept(ResourceKind.Dataplane, json).Services);
    }

    public static TheoryData<string, string, string> InvalidDataplanes => new()
    {
        { "type mismatch", ValidDataplane.Replace("\"Dataplane\"", "\"ExternalService\"", StringComparison.Ordinal), "type" },
        { "type missing", ValidDataplane.Replace("\"type\": \"Dataplane\",", "", StringComparison.Ordinal), "type" },
        { "mesh mismatch", ValidDataplane.Replace("\"default\"", "\"other\"", StringComparison.Ordinal), "mesh" },
        { "name mismatch", ValidDataplane.Replace("\"backend-1\"", "\"backend-2\"", StringComparison.Ordinal), "name" },
        { "networking missing", """{"type":"Dataplane","mesh":"default","name":"backend-1"}""", "networking" },
        { "address missing", ValidDataplane.Replace("\"address\": \"10.0.0.2\",", "", StringComparison.Ordinal), "networking.address" },
        { "address empty", Dataplane("""{"port":8080,"tags":{"kuma.io/service":"b"}}""", "\"\""), "networking.address" },
        { "no inbound", Dataplane(""), "networking" },
        { "inbound not an object", Dataplane("42"), "networking.inbound[0]" },
        { "inbound port 0", Dataplane("""{"port":0,"tags":{"kuma.io/service":"b"}}"""), "networking.inbound[0].port" },
        { "inbound port 70000", Dataplane("""{"port":70000,"tags":{"kuma.io/service":"b"}}"""), "networking.inbound[0].port" },
        { "inbound port negative", Dataplane("""{"port":-1,"tags":{"kuma.io/service":"b"}}"""), "networking.inbound[0].port" },
        { "inbound port a string", Dataplane("""{"port":"8080","tags":{"kuma.io/service":"b"}}"""), "networking.inbound[0].port" },
        { "inbound port missing", Dataplane("""{"tags":{"kuma.io/service":"b"}}"""), "networking.inbound[0].port" },
        { "second inbound port 70000", Dataplane("""{"port":80,"tags":{"kuma.io/service":"a"}},{"port":70000,"tags":{"kuma.io/service":"b"}}"""), "networking.inbound[1].port" },
        { "servicePort 70000", Dataplane("""{"port":80,"servicePort":70000,"tags":{"kuma.io/service":"b"}}"""), "networking.inbound[0].servicePort" },
        { "service tag missing", Dataplane("""{"port":8080,"tags":{"version":"v1"}}"""), "networking.inbound[0].tags[\"kuma.io/service\"]" },
        { "service tag empty", Dataplane("""{"port":8080,"tags":{"kuma.io/service":""}}"""), "networking.inbound[0].tags[\"kuma.io/service\"]" },
        // Kuma scenario 30 gives an inbound without tags no entry; Kuma's own validation refuses it, and so does ActorDns.
        { "tags missing", Dataplane("""{"port":8080}"""), "networking.inbound[0].tags" },
        { "bad tag value", Dataplane("""{"port":8080,"tags":{"kuma.io/service":"back end"}}"""), "networking.inbound[0].tags[\"kuma.io/service\"]" },
        { "bad tag name", Dataplane("""{"port":8080,"tags":{"kuma.io/service":"b","ver sion":"v1"}}"""), "networking.inbound[0].tags[\"ver sion\"]" },
        { "tag value not a string", Dataplane("""{"port":8080,"tags":{"kuma.io/service":"b","version":1}}"""), "networking.inbound[0].tags[\"version\"]" },
        { "bad JSON", "{\"type\":\"Dataplane\",", "" },
        { "not an object", "[1,2]", "" },
    };

    [Theory]
    [MemberData(nameof(InvalidDataplanes))]
    public void TryParse_InvalidDataplane_CauseNamesField(string scenario, string json, string field)
    {
        var causes = Reject(ResourceKind.Dataplane, json);

        Assert.True(causes.Any(c => c.Field == field), $"{scenario}: expected a cause on '{field}', got {string.Join("; ", causes)}");
        Assert.All(causes, c => Assert.False(string.IsNullOrWhiteSpace(c.Message)));
    }

    [Fact]
    public void TryParse_BadJson_MessageSaysInvalidJson()
    {
        var cause = Assert.Single(Reject(ResourceKind.Dataplane, "{not json"));

        Assert.Equal("", cause.Field);
        Assert.StartsWith("invalid JSON", cause.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"type":"Dataplane","name":"a","name":"b"}""")]
    [InlineData("""{"type":"Dataplane","mesh":"default","name":"web-1","networking":{"address":"10.0.0.1","address":"10.0.0.2"}}""")]
    public void TryParse_APropertyTwice_InvalidJsonNotAnException(string json)
    {
        // Found by fuzzing: JsonObject threw ArgumentException on the first read of a duplicated property.
        var cause = Assert.Single(Reject(ResourceKind.Dataplane, json));

        Assert.StartsWith("invalid JSON", cause.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_MismatchedName_MessageQuotesBothNames()
    {
        var causes = Reject(ResourceKind.Dataplane, ValidDataplane, name: "backend-2");

        var cause = Assert.Single(causes);
        Assert.Equal(new ValidationCause("name", "\"backend-1\" does not match \"backend-2\""), cause);
    }

    [Fact]
    public void TryParse_InvalidUrlName_CauseOnName()
    {
        var json = ValidDataplane.Replace("\"backend-1\"", "\"-bad\"", StringComparison.Ordinal);

        var causes = Reject(ResourceKind.Dataplane, json, name: "-bad");

        Assert.Contains(causes, c => c.Field == "name");
    }

    [Fact]
    public void TryParse_SeveralProblems_ReportsEach()
    {
        var json = Dataplane("""{"port":0,"tags":{"version":"v1"}}""", "\"\"").Replace("\"default\"", "\"other\"", StringComparison.Ordinal);

        var fields = Reject(ResourceKind.Dataplane, json).Select(c => c.Field).ToList();

        Assert.Contains("mesh", fields);
        Assert.Contains("networking.address", fields);
        Assert.Contains("networking.inbound[0].port", fields);
        Assert.Contains("networking.inbound[0].tags[\"kuma.io/service\"]", fields);
    }

    [Fact]
    public void TryParse_ValidExternalService_ServiceAndHostEntries()
    {
        // Kuma scenario 17.
        var resource = Accept(ResourceKind.ExternalService, ValidExternalService, "es-1");

        Assert.Equal(["my-external-service-1"], resource.Services);
        Assert.Equal("external.service.com", resource.Host);
        Assert.Equal([K("service:my-external-service-1"), K("host:external.service.com")], resource.EntryKeys(serviceVipEnabled: true));
    }

    [Fact]
    public void TryParse_ExternalServiceDisableHostDnsEntry_OnlyServiceEntry()
    {
        // Kuma scenario 18.
        var resource = Accept(ResourceKind.ExternalService, ExternalService("external.service.com:8080", ",\"disableHostDNSEntry\":true"), "es-1");

        Assert.Null(resource.Host);
        Assert.Equal([K("service:ext")], resource.EntryKeys(serviceVipEnabled: true));
    }

    [Fact]
    public void TryParse_ExternalServiceDisableHostDnsEntryFalse_KeepsHostEntry()
    {
        var resource = Accept(ResourceKind.ExternalService, ExternalService("external.service.com:8080", ",\"disableHostDNSEntry\":false"), "es-1");

        Assert.Equal("external.service.com", resource.Host);
    }

    [Theory]
    [InlineData("10.1.2.3:443")]
    [InlineData("[2001:db8::1]:443")]
    public void TryParse_ExternalServiceIpLiteral_NoHostEntry(string address)
    {
        var resource = Accept(ResourceKind.ExternalService, ExternalService(address), "es-1");

        Assert.Null(resource.Host);
        Assert.Equal([K("service:ext")], resource.EntryKeys(serviceVipEnabled: true));
    }

    [Fact]
    public void TryParse_ExternalServiceWithServiceVipsOff_OnlyHostEntry()
    {
        // Kuma scenario 26.
        var resource = Accept(ResourceKind.ExternalService, ValidExternalService, "es-1");

        Assert.Equal([K("host:external.service.com")], resource.EntryKeys(serviceVipEnabled: false));
    }

    public static TheoryData<string, string, string> InvalidExternalServices => new()
    {
        { "address without port", ExternalService("external.service.com"), "networking.address" },
        { "address with empty port", ExternalService("external.service.com:"), "networking.address" },
        { "address port 70000", ExternalService("external.service.com:70000"), "networking.address" },
        { "address port 0", ExternalService("external.service.com:0"), "networking.address" },
        { "address only a port", ExternalService(":8080"), "networking.address" },
        { "networking missing", """{"type":"ExternalService","mesh":"default","name":"es-1","tags":{"kuma.io/service":"ext"}}""", "networking.address" },
        { "service tag missing", ExternalService("a.com:80", tags: "{\"version\":\"v1\"}"), "tags[\"kuma.io/service\"]" },
        { "tags missing", """{"type":"ExternalService","mesh":"default","name":"es-1","networking":{"address":"a.com:80"}}""", "tags" },
        { "bad tag value", ExternalService("a.com:80", tags: "{\"kuma.io/service\":\"ext!\"}"), "tags[\"kuma.io/service\"]" },
        { "type mismatch", ValidExternalService.Replace("\"ExternalService\"", "\"Dataplane\"", StringComparison.Ordinal), "type" },
        { "bad JSON", "{\"type\":", "" },
    };

    [Theory]
    [MemberData(nameof(InvalidExternalServices))]
    public void TryParse_InvalidExternalService_CauseNamesField(string scenario, string json, string field)
    {
        var causes = Reject(ResourceKind.ExternalService, json, name: "es-1");

        Assert.True(causes.Any(c => c.Field == field), $"{scenario}: expected a cause on '{field}', got {string.Join("; ", causes)}");
    }

    [Fact]
    public void TryParseMesh_ValidMesh_NoCauses()
    {
        Assert.True(ResourceParser.TryParseMesh("default", """{"type":"Mesh","name":"default"}""", out var causes));
        Assert.Empty(causes);
    }

    [Theory]
    [InlineData("""{"type":"Dataplane","name":"default"}""", "type")]
    [InlineData("""{"type":"Mesh","name":"other"}""", "name")]
    [InlineData("""{"type":"Mesh",""", "")]
    public void TryParseMesh_Invalid_CauseNamesField(string json, string field)
    {
        Assert.False(ResourceParser.TryParseMesh("default", json, out var causes));
        Assert.Contains(causes, c => c.Field == field);
    }

    [Fact]
    public void TryParseMesh_NamedDirectory_IsRefusedAsReserved()
    {
        Assert.False(ResourceParser.TryParseMesh("directory", """{"type":"Mesh","name":"directory"}""", out var causes));

        var cause = Assert.Single(causes);
        Assert.Equal("name", cause.Field);
        Assert.Contains("reserved", cause.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("default")]
    [InlineData("backend-1")]
    [InlineData("a")]
    [InlineData("echo-server_echo-example_svc_1010")]
    [InlineData("a.b")]
    public void NameProblem_ValidName_Null(string name)
    {
        Assert.Null(ResourceParser.NameProblem(name));
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("-a")]
    [InlineData("a-")]
    [InlineData("a b")]
    [InlineData("a/b")]
    public void NameProblem_InvalidName_Message(string? name)
    {
        Assert.NotNull(ResourceParser.NameProblem(name));
    }

    [Fact]
    public void NameProblem_Over253Characters_Message()
    {
        Assert.Null(ResourceParser.NameProblem(new string('a', 253)));
        Assert.NotNull(ResourceParser.NameProblem(new string('a', 254)));
    }
}
