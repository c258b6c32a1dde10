using Akka.Hosting;

namespace ActorDns.Host.ControlPlane;

/// <summary>
/// Only registered message types cross nodes (SPEC §8): sending a type without a serializer bound to it fails instead of
/// falling back to Akka's JSON serializer, and a message that arrives in that format is refused (<see cref="RefusingSerializer"/>).
/// </summary>
public static class StrictSerialization
{
    public static AkkaConfigurationBuilder WithStrictSerialization(this AkkaConfigurationBuilder builder) =>
        builder
            .AddHocon("""
                akka.actor.serialization-settings.allow-unregistered-types = false
                akka.log-serializer-override-on-start = off
                """, HoconAddMode.Prepend)
            .WithCustomSerializer(RefusingSerializer.Name, [typeof(object)], system => new RefusingSerializer(system));
}
