using ActorDns.ControlPlane.Catalog;

namespace ActorDns.ControlPlane.Tests.Support;

/// <summary>Entry keys written as the journal and <c>/vips</c> show them: <c>K("service:backend")</c>.</summary>
public static class Keys
{
    public static EntryKey K(string text) => EntryKey.Parse(text);
}
