namespace ActorDns.Server.Pipeline.Corefile;

/// <summary>A parsed Corefile: its server blocks in file order.</summary>
public sealed record CorefileDocument(string File, IReadOnlyList<ServerBlock> Blocks);

/// <summary>
/// <c>ZONE[:PORT] [ZONE[:PORT]…] { directives }</c>. The directives are in file order; the pipeline runs them in
/// CoreDNS's plugin order.
/// </summary>
public sealed record ServerBlock(IReadOnlyList<ServerKey> Keys, IReadOnlyList<Directive> Directives, int Line, int Column);

/// <summary>One key of a server block: a zone (lower case, absolute: <c>.</c>, <c>mesh.</c>) and its port when one is given.</summary>
public sealed record ServerKey(string Zone, int? Port, int Line, int Column);

/// <summary>A directive (a plugin, or one option line inside a plugin's block) with its arguments and its own block.</summary>
public sealed record Directive(string Name, IReadOnlyList<CorefileToken> Arguments, IReadOnlyList<Directive> Block, int Line, int Column);

/// <summary>A word of the Corefile, quotes removed and environment variables substituted, with where it starts.</summary>
public readonly record struct CorefileToken(string Text, int Line, int Column)
{
    public override string ToString() => Text;
}
