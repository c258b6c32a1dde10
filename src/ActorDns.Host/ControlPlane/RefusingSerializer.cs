using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace ActorDns.Host.ControlPlane;

/// <summary>
/// Takes the place of Akka's default JSON serializer (identifier 1, bound to <see cref="object"/>), which writes the CLR type
/// name with every message and reads back whatever type a peer names. Here it writes and reads nothing: a message
/// crosses nodes only through a serializer bound to its own type (SPEC §8, "only registered message types").
/// </summary>
public sealed class RefusingSerializer(ExtendedActorSystem system) : Serializer(system)
{
    /// <summary>The name and the identifier of the serializer it replaces.</summary>
    public const string Name = "json";

    public override int Identifier => 1;

    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj) =>
        throw new SerializationException($"{obj.GetType()} has no registered serializer and is not sent to another node");

    public override object FromBinary(byte[] bytes, Type type) =>
        throw new SerializationException($"a message in Akka's JSON format ({type?.FullName ?? "no type"}) was refused: only registered types are read");
}
