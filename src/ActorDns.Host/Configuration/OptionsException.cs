namespace ActorDns.Host.Configuration;

/// <summary>An invalid setting: the message names the setting and the problem, and is shown to the user as is.</summary>
public sealed class OptionsException(string message) : Exception(message);
