using Akka.Hosting;

namespace ActorDns.Host.ControlPlane;

/// <summary>
/// Only registered message types cross nodes (SPEC §8): sending a type without a serializer bound to it fails instead of
/// falling back to Akka's JSON serializer (Akka.Hosting's strict serialization), and a message that arrives in that
/// format is refused (<see cref="RefusingSerializer"/> in the JSON serializer's place).
/// </summary>
public static class StrictSerialization
{
    public static AkkaConfigurationBuilder WithRegisteredMessagesOnly(this AkkaConfigurationBuilder builder) =>
        builder
            .WithStrictSerialization()
            .AddHocon("akka.log-serializer-override-on-start = off", HoconAddMode.Prepend)
            .WithCustomSerializer(RefusingSerializer.Name, [typeof(object)], system => new RefusingSerializer(system));
}
