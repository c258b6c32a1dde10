using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Hosting;
using Akka.Remote.Hosting;
using ActorDns.Host.ControlPlane;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace ActorDns.Host.Tests.ControlPlane;

/// <summary>An ActorSystem set up as every node's is: only types with a registered serializer are written or read.</summary>
public sealed class StrictSerializationTests : IAsyncLifetime
{
    private IHost? _host;

    private ActorSystem System => _host!.Services.GetRequiredService<ActorSystem>();

    public sealed record NotRegistered(string Text);

    public async Task InitializeAsync()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddAkka("strict", (akka, _) => akka.WithRemoting("127.0.0.1", 0).WithRegisteredMessagesOnly());
        _host = builder.Build();
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host!.StopAsync();
        _host.Dispose();
    }

    [Fact]
    public void FindSerializerFor_AnUnregisteredType_Throws()
    {
        Assert.ThrowsAny<SerializationException>(() => System.Serialization.FindSerializerFor(new NotRegistered("x")));
    }

    [Fact]
    public void Deserialize_AkkasJsonFormatNamingAnyType_IsRefused()
    {
        // What Akka's JSON serializer (identifier 1) would read: a CLR type named by the sender.
        var json = Encoding.UTF8.GetBytes("""{"$type":"System.IO.FileInfo, System.Private.CoreLib","fileName":"/etc/passwd"}""");

        var error = Assert.ThrowsAny<SerializationException>(() => System.Serialization.Deserialize(json, 1, typeof(FileInfo).AssemblyQualifiedName));

        Assert.Contains("only registered types are read", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_AkkasOwnMessages_StillUseTheirSerializers()
    {
        var identify = new Identify(42);

        var serializer = System.Serialization.FindSerializerFor(identify);
        var back = (Identify)System.Serialization.Deserialize(serializer.ToBinary(identify), serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, identify));

        Assert.IsNotType<RefusingSerializer>(serializer);
        Assert.Equal(42, back.MessageId);
    }
}
