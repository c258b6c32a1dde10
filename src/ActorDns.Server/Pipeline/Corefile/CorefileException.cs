namespace ActorDns.Server.Pipeline.Corefile;

/// <summary>A Corefile template that does not render, or a Corefile that does not parse or compile: where, and why.</summary>
public sealed class CorefileException(string file, int line, int column, string reason)
    : Exception($"{file}:{line}:{column}: {reason}")
{
    public string File { get; } = file;

    public int Line { get; } = line;

    public int Column { get; } = column;

    public string Reason { get; } = reason;
}
