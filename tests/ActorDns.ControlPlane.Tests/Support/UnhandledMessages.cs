using Akka.Actor;
using Akka.Event;
using Akka.TestKit;
using Xunit;

namespace ActorDns.ControlPlane.Tests.Support;

/// <summary>
/// Records the messages actors leave unhandled (Akka publishes each as an <see cref="UnhandledMessage"/> on the event
/// stream while the actor processes it). <see cref="AssertNoneLeftBy"/> publishes a marker behind them, so after a
/// round trip with the actor every message it received before is either recorded or was handled: no waiting.
/// </summary>
public sealed class UnhandledMessages
{
    private readonly ActorSystem _system;
    private readonly TestProbe _probe;

    public UnhandledMessages(TestKitBase kit)
    {
        _system = kit.Sys;
        _probe = kit.CreateTestProbe();
        _system.EventStream.Subscribe(_probe.Ref, typeof(UnhandledMessage));
        _system.EventStream.Subscribe(_probe.Ref, typeof(Marker));
    }

    /// <summary>Call after a reply from <paramref name="actor"/> that it sent after processing the messages in question.</summary>
    public void AssertNoneLeftBy(IActorRef actor)
    {
        var marker = new Marker(Guid.NewGuid());
        _system.EventStream.Publish(marker);
        var unhandled = new List<object>();
        _probe.FishForMessage(m =>
        {
            if (m is UnhandledMessage u && u.Recipient.Equals(actor))
            {
                unhandled.Add(u.Message);
            }

            return m is Marker seen && seen == marker;
        });
        Assert.True(unhandled.Count == 0, $"unhandled by {actor.Path.Name}: {string.Join(", ", unhandled.Select(m => m.GetType().Name))}");
    }

    private sealed record Marker(Guid Id);
}
