namespace ActorDns.LoadTest.Cli;

/// <summary>Bad input from the user (a flag, a file, an address): printed as one line, exit code 2.</summary>
internal sealed class CliException(string message) : Exception(message);
