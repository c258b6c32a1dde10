using System.Globalization;
using System.Text;
using ActorDns.Protocol;

namespace ActorDns.Server.Pipeline.Corefile;

/// <summary>
/// CoreDNS's Corefile grammar (SPEC §4.6), as a pure function: server blocks <c>ZONE[:PORT] … { … }</c> with keys
/// separated by spaces or commas and an optional <c>dns://</c> scheme; directives, one per line, with their arguments
/// and an optional nested block; <c>#</c> comments; double-quoted words (which may hold spaces and newlines, with
/// <c>\"</c> and <c>\\</c> escapes); <c>{$NAME}</c> replaced by the environment variable's value. Snippets and
/// <c>import</c> are not supported. Errors carry the line and column.
/// </summary>
public static class CorefileParser
{
    public static CorefileDocument Parse(string text, string file, Func<string, string?> environment)
    {
        var tokens = new Lexer(text, file, environment).Lex();
        var index = 0;
        var blocks = new List<ServerBlock>();
        var seen = new Dictionary<(string, int?), ServerKey>();
        while (index < tokens.Count)
        {
            var block = ParseServerBlock(tokens, ref index, file);
            foreach (var key in block.Keys)
            {
                if (seen.TryGetValue((key.Zone, key.Port), out var earlier))
                {
                    throw new CorefileException(file, key.Line, key.Column, $"{Describe(key)} is already defined at line {earlier.Line}");
                }

                seen.Add((key.Zone, key.Port), key);
            }

            blocks.Add(block);
        }

        return new CorefileDocument(file, blocks);
    }

    private static string Describe(ServerKey key) => key.Port is { } port ? $"{key.Zone}:{port}" : key.Zone;

    private static ServerBlock ParseServerBlock(List<Token> tokens, ref int index, string file)
    {
        var first = tokens[index];
        if (first.IsBrace)
        {
            throw new CorefileException(file, first.Line, first.Column, $"expected a zone before '{first.Text}'");
        }

        var keys = new List<ServerKey>();
        while (index < tokens.Count && !tokens[index].IsOpen)
        {
            var token = tokens[index++];
            if (token.IsClose)
            {
                throw new CorefileException(file, token.Line, token.Column, "unexpected '}'");
            }

            if (token.Text == "import" || token.Text.StartsWith('('))
            {
                throw new CorefileException(file, token.Line, token.Column, "snippets and import are not supported");
            }

            foreach (var part in token.Text.Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                keys.Add(ParseKey(part, token, file));
            }
        }

        if (index >= tokens.Count)
        {
            throw new CorefileException(file, first.Line, first.Column, $"expected '{{' to open the server block of {first.Text}");
        }

        var open = tokens[index++];
        var directives = ParseBlock(tokens, ref index, open, file);
        return new ServerBlock(keys, directives, first.Line, first.Column);
    }

    /// <summary>The directives up to the '}' that closes <paramref name="open"/>.</summary>
    private static List<Directive> ParseBlock(List<Token> tokens, ref int index, Token open, string file)
    {
        var directives = new List<Directive>();
        while (true)
        {
            if (index >= tokens.Count)
            {
                throw new CorefileException(file, open.Line, open.Column, "'{' is not closed");
            }

            var name = tokens[index++];
            if (name.IsClose)
            {
                return directives;
            }

            if (name.IsOpen)
            {
                throw new CorefileException(file, name.Line, name.Column, "unexpected '{'");
            }

            var arguments = new List<CorefileToken>();
            IReadOnlyList<Directive> block = [];
            var lastLine = name.EndLine;
            while (index < tokens.Count && tokens[index].Line == lastLine && !tokens[index].IsClose)
            {
                var token = tokens[index++];
                if (token.IsOpen)
                {
                    block = ParseBlock(tokens, ref index, token, file);
                    break;
                }

                arguments.Add(new CorefileToken(token.Text, token.Line, token.Column));
                lastLine = token.EndLine;
            }

            directives.Add(new Directive(name.Text, arguments, block, name.Line, name.Column));
        }
    }

    private static ServerKey ParseKey(string text, Token token, string file)
    {
        var rest = text;
        var scheme = rest.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            if (!rest[..scheme].Equals("dns", StringComparison.OrdinalIgnoreCase))
            {
                throw new CorefileException(file, token.Line, token.Column, $"{text}: only dns:// servers are supported");
            }

            rest = rest[(scheme + 3)..];
        }

        int? port = null;
        var colon = rest.LastIndexOf(':');
        if (colon >= 0)
        {
            var digits = rest[(colon + 1)..];
            if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value is < 1 or > 65535)
            {
                throw new CorefileException(file, token.Line, token.Column, $"{text}: port \"{digits}\" is not a number from 1 to 65535");
            }

            port = value;
            rest = rest[..colon];
        }

        if (rest.Contains('/'))
        {
            throw new CorefileException(file, token.Line, token.Column, $"{text}: reverse zones given as a network are not supported");
        }

        return new ServerKey(NormalizeZone(rest, text, token, file), port, token.Line, token.Column);
    }

    /// <summary>A zone as CoreDNS keeps it: lower case and absolute; <c>.</c> is the root.</summary>
    private static string NormalizeZone(string zone, string original, Token token, string file)
    {
        if (zone is "" or ".")
        {
            return ".";
        }

        var absolute = zone.EndsWith('.') ? zone : zone + ".";
        var labels = absolute[..^1].Split('.');
        if (absolute.Length > 254 || labels.Any(l => l.Length is 0 or > 63))
        {
            throw new CorefileException(file, token.Line, token.Column, $"{original}: \"{zone}\" is not a valid zone");
        }

        // A name the wire cannot carry (a non-ASCII character, say) is refused here, with its place, not by the compiler.
        if (!DnsName.TryParse(absolute, out _, out var problem))
        {
            throw new CorefileException(file, token.Line, token.Column, $"{original}: \"{zone}\" is not a valid zone: {problem}");
        }

        return absolute.ToLowerInvariant();
    }

    /// <summary>A word, or a brace standing alone (a quoted "{" is a word).</summary>
    private readonly record struct Token(string Text, int Line, int Column, int EndLine, bool Quoted)
    {
        public bool IsOpen => !Quoted && Text == "{";

        public bool IsClose => !Quoted && Text == "}";

        public bool IsBrace => IsOpen || IsClose;
    }

    private sealed class Lexer(string text, string file, Func<string, string?> environment)
    {
        private int _position;
        private int _line = 1;
        private int _lineStart;

        public List<Token> Lex()
        {
            var tokens = new List<Token>();
            while (_position < text.Length)
            {
                var c = text[_position];
                if (c == '\n')
                {
                    NewLine();
                    continue;
                }

                if (char.IsWhiteSpace(c))
                {
                    _position++;
                    continue;
                }

                if (c == '#')
                {
                    while (_position < text.Length && text[_position] != '\n')
                    {
                        _position++;
                    }

                    continue;
                }

                tokens.Add(c == '"' ? Quoted() : Word());
            }

            return tokens;
        }

        private void NewLine()
        {
            _position++;
            _line++;
            _lineStart = _position;
        }

        private Token Word()
        {
            var (line, column) = (_line, _position - _lineStart + 1);
            var start = _position;
            while (_position < text.Length && !char.IsWhiteSpace(text[_position]))
            {
                _position++;
            }

            return new Token(Substitute(text[start.._position], line, column), line, column, line, Quoted: false);
        }

        private Token Quoted()
        {
            var (line, column) = (_line, _position - _lineStart + 1);
            var value = new StringBuilder();
            _position++;
            while (_position < text.Length)
            {
                var c = text[_position];
                if (c == '"')
                {
                    _position++;
                    return new Token(Substitute(value.ToString(), line, column), line, column, _line, Quoted: true);
                }

                if (c == '\\' && _position + 1 < text.Length && text[_position + 1] is '"' or '\\')
                {
                    value.Append(text[_position + 1]);
                    _position += 2;
                    continue;
                }

                value.Append(c);
                if (c == '\n')
                {
                    NewLine();
                }
                else
                {
                    _position++;
                }
            }

            throw new CorefileException(file, line, column, "unterminated quoted string");
        }

        /// <summary>Replaces every <c>{$NAME}</c> with the variable's value (empty when it is not set).</summary>
        private string Substitute(string word, int line, int column)
        {
            var start = word.IndexOf("{$", StringComparison.Ordinal);
            if (start < 0)
            {
                return word;
            }

            var result = new StringBuilder();
            var position = 0;
            while (start >= 0)
            {
                var end = word.IndexOf('}', start);
                if (end < 0)
                {
                    throw new CorefileException(file, line, column, $"{word}: environment variable reference is not closed");
                }

                result.Append(word, position, start - position).Append(environment(word[(start + 2)..end]) ?? "");
                position = end + 1;
                start = word.IndexOf("{$", position, StringComparison.Ordinal);
            }

            return result.Append(word, position, word.Length - position).ToString();
        }
    }
}
