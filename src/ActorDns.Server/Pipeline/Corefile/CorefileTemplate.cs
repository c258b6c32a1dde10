using System.Globalization;
using System.Text;

namespace ActorDns.Server.Pipeline.Corefile;

/// <summary>
/// Renders a Corefile template with the part of Go's <c>text/template</c> that Kuma's Corefile templates use
/// (SPEC §4.6): text, <c>{{ .Field }}</c>, <c>{{ if … }}</c> / <c>{{ else if … }}</c> / <c>{{ else }}</c> /
/// <c>{{ end }}</c>, comments <c>{{/* … */}}</c>, the trim markers <c>{{- </c> and <c> -}}</c>, and the functions
/// <c>not</c>, <c>and</c>, <c>or</c>, <c>eq</c> and <c>ne</c> over fields and literals. Anything else
/// (<c>range</c>, <c>with</c>, variables, pipes, an unknown field) is an error at its line and column, as Go would
/// report one. A pure function.
/// </summary>
public static class CorefileTemplate
{
    private static readonly string[] Unsupported = ["range", "with", "define", "template", "block", "break", "continue"];

    public static string Render(string text, string file, TemplateValues values)
    {
        var nodes = new Parser(text, file).Parse();
        var output = new StringBuilder(text.Length);
        Execute(nodes, values, output, new Positions(text, file));
        return output.ToString();
    }

    private static void Execute(List<Node> nodes, TemplateValues values, StringBuilder output, Positions positions)
    {
        foreach (var node in nodes)
        {
            switch (node)
            {
                case TextNode text:
                    output.Append(text.Text);
                    break;
                case PrintNode print:
                    output.Append(Format(Evaluate(print.Expression, values, positions)));
                    break;
                case IfNode branch:
                    Execute(IsTrue(Evaluate(branch.Condition, values, positions)) ? branch.Then : branch.Else, values, output, positions);
                    break;
            }
        }
    }

    private static object Evaluate(Expression expression, TemplateValues values, Positions positions)
    {
        switch (expression)
        {
            case Literal literal:
                return literal.Value;
            case Field field:
                return values.TryGet(field.Name, out var value)
                    ? value
                    : throw positions.Error(field.Offset, $"can't evaluate field {field.Name}");
            case Call call:
                var args = call.Arguments.Select(a => Evaluate(a, values, positions)).ToList();
                return call.Function switch
                {
                    "not" when args.Count == 1 => !IsTrue(args[0]),
                    "and" when args.Count >= 1 => args.FirstOrDefault(a => !IsTrue(a)) ?? args[^1],
                    "or" when args.Count >= 1 => args.FirstOrDefault(IsTrue) ?? args[^1],
                    "eq" when args.Count >= 2 => args.Skip(1).Any(a => AreEqual(args[0], a, call, positions)),
                    "ne" when args.Count == 2 => !AreEqual(args[0], args[1], call, positions),
                    _ => throw positions.Error(call.Offset, $"wrong number of args for {call.Function}: got {args.Count}"),
                };
            default:
                throw new InvalidOperationException($"unknown expression {expression.GetType().Name}");
        }
    }

    private static bool AreEqual(object left, object right, Call call, Positions positions) =>
        left.GetType() == right.GetType()
            ? left.Equals(right)
            : throw positions.Error(call.Offset, $"error calling {call.Function}: incompatible types for comparison");

    /// <summary>Go's truth: false, 0 and "" are false; everything else is true.</summary>
    private static bool IsTrue(object value) => value switch
    {
        bool b => b,
        int i => i != 0,
        string s => s.Length > 0,
        _ => true,
    };

    private static string Format(object value) => value switch
    {
        bool b => b ? "true" : "false",
        int i => i.ToString(CultureInfo.InvariantCulture),
        _ => (string)value,
    };

    private abstract record Node;

    private sealed record TextNode(string Text) : Node;

    private sealed record PrintNode(Expression Expression) : Node;

    private sealed record IfNode(Expression Condition, List<Node> Then, List<Node> Else) : Node;

    private abstract record Expression(int Offset);

    private sealed record Literal(object Value, int Offset) : Expression(Offset);

    private sealed record Field(string Name, int Offset) : Expression(Offset);

    private sealed record Call(string Function, List<Expression> Arguments, int Offset) : Expression(Offset);

    /// <summary>Turns an offset into the line and column Go's errors give (both from 1).</summary>
    private sealed class Positions(string text, string file)
    {
        public CorefileException Error(int offset, string reason)
        {
            var line = 1;
            var lineStart = 0;
            for (var i = 0; i < offset && i < text.Length; i++)
            {
                if (text[i] == '\n')
                {
                    line++;
                    lineStart = i + 1;
                }
            }

            return new CorefileException(file, line, offset - lineStart + 1, reason);
        }
    }

    /// <summary>One pass over the text: the actions between <c>{{</c> and <c>}}</c>, nested by <c>if</c> … <c>end</c>.</summary>
    private sealed class Parser(string text, string file)
    {
        private readonly Positions _positions = new(text, file);
        private readonly List<Node> _root = [];
        private readonly Stack<Frame> _open = new();
        private int _position;
        private bool _trimNextText;

        private List<Node> Current => _open.Count == 0 ? _root : _open.Peek().Target;

        public List<Node> Parse()
        {
            while (_position < text.Length)
            {
                var start = text.IndexOf("{{", _position, StringComparison.Ordinal);
                var end = start < 0 ? text.Length : start;
                var trimLeft = start >= 0 && start + 3 < text.Length && text[start + 2] == '-' && IsSpace(text[start + 3]);
                AddText(text[_position..end], trimLeft);
                if (start < 0)
                {
                    break;
                }

                ParseAction(start, trimLeft);
            }

            if (_open.Count > 0)
            {
                throw _positions.Error(_open.Peek().Offset, "unexpected EOF: {{ if }} without {{ end }}");
            }

            return _root;
        }

        private void AddText(string segment, bool trimEnd)
        {
            if (_trimNextText)
            {
                segment = segment.TrimStart();
            }

            if (trimEnd)
            {
                segment = segment.TrimEnd();
            }

            _trimNextText = false;
            if (segment.Length > 0)
            {
                Current.Add(new TextNode(segment));
            }
        }

        private void ParseAction(int start, bool trimLeft)
        {
            var body = start + (trimLeft ? 4 : 2);
            if (string.CompareOrdinal(text, body, "/*", 0, 2) == 0)
            {
                var close = text.IndexOf("*/", body + 2, StringComparison.Ordinal);
                if (close < 0)
                {
                    throw _positions.Error(start, "unclosed comment");
                }

                _position = close + 2;
                var trimRight = string.CompareOrdinal(text, _position, " -}}", 0, 4) == 0;
                _position += trimRight ? 4 : 2;
                if (!trimRight && string.CompareOrdinal(text, close + 2, "}}", 0, 2) != 0)
                {
                    throw _positions.Error(close, "comment ends before closing delimiter");
                }

                _trimNextText = trimRight;
                return;
            }

            _position = body;
            var tokens = Lex(start, out var trimRightAction);
            _trimNextText = trimRightAction;
            if (tokens.Count == 0)
            {
                throw _positions.Error(start, "missing value for command");
            }

            var first = tokens[0];
            switch (first.Text)
            {
                case "if":
                    OpenIf(tokens, 1, first.Offset, chained: false);
                    return;
                case "else":
                    Else(tokens, first.Offset);
                    return;
                case "end":
                    ExpectEnd(tokens, 1);
                    End(first.Offset);
                    return;
            }

            if (first.Kind == TokenKind.Identifier && Unsupported.Contains(first.Text))
            {
                throw _positions.Error(first.Offset, $"{{{{ {first.Text} }}}} is not supported in a Corefile template");
            }

            var index = 0;
            var expression = ParseCommand(tokens, ref index);
            ExpectEnd(tokens, index);
            Current.Add(new PrintNode(expression));
        }

        private void OpenIf(List<Token> tokens, int index, int offset, bool chained)
        {
            if (index >= tokens.Count)
            {
                throw _positions.Error(offset, "missing value for if");
            }

            var condition = ParseCommand(tokens, ref index);
            ExpectEnd(tokens, index);
            var node = new IfNode(condition, [], []);
            Current.Add(node);
            _open.Push(new Frame(node, offset, chained));
        }

        private void Else(List<Token> tokens, int offset)
        {
            if (_open.Count == 0 || _open.Peek().InElse)
            {
                throw _positions.Error(offset, "unexpected {{ else }}");
            }

            _open.Peek().InElse = true;
            if (tokens.Count > 1 && tokens[1].Text == "if")
            {
                OpenIf(tokens, 2, tokens[1].Offset, chained: true);
                return;
            }

            ExpectEnd(tokens, 1);
        }

        private void End(int offset)
        {
            if (_open.Count == 0)
            {
                throw _positions.Error(offset, "unexpected {{ end }}");
            }

            // One {{ end }} closes an if and every {{ else if }} chained to it.
            Frame closed;
            do
            {
                closed = _open.Pop();
            }
            while (closed.Chained);
        }

        private void ExpectEnd(List<Token> tokens, int index)
        {
            if (index < tokens.Count)
            {
                throw _positions.Error(tokens[index].Offset, $"unexpected \"{tokens[index].Written}\" in action");
            }
        }

        /// <summary>A function call with its arguments, or one operand.</summary>
        private Expression ParseCommand(List<Token> tokens, ref int index)
        {
            var first = tokens[index];
            if (first.Kind == TokenKind.Identifier && first.Text is not ("true" or "false"))
            {
                if (first.Text is not ("not" or "and" or "or" or "eq" or "ne"))
                {
                    throw _positions.Error(first.Offset, $"function \"{first.Text}\" not defined");
                }

                index++;
                var arguments = new List<Expression>();
                while (index < tokens.Count && tokens[index].Kind != TokenKind.RightParen)
                {
                    arguments.Add(ParseOperand(tokens, ref index));
                }

                return new Call(first.Text, arguments, first.Offset);
            }

            return ParseOperand(tokens, ref index);
        }

        private Expression ParseOperand(List<Token> tokens, ref int index)
        {
            var token = tokens[index++];
            switch (token.Kind)
            {
                case TokenKind.Field:
                    return new Field(token.Text, token.Offset);
                case TokenKind.Number:
                    return int.TryParse(token.Text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
                        ? new Literal(number, token.Offset)
                        : throw _positions.Error(token.Offset, $"number {token.Text} out of range");
                case TokenKind.String:
                    return new Literal(token.Text, token.Offset);
                case TokenKind.Identifier when token.Text is "true" or "false":
                    return new Literal(token.Text == "true", token.Offset);
                case TokenKind.LeftParen:
                    if (index >= tokens.Count)
                    {
                        throw _positions.Error(token.Offset, "unclosed left paren");
                    }

                    var inner = ParseCommand(tokens, ref index);
                    if (index >= tokens.Count || tokens[index].Kind != TokenKind.RightParen)
                    {
                        throw _positions.Error(token.Offset, "unclosed left paren");
                    }

                    index++;
                    return inner;
                default:
                    throw _positions.Error(token.Offset, $"unexpected \"{token.Written}\" in operand");
            }
        }

        /// <summary>The tokens of the action that starts at <paramref name="start"/>, up to its <c>}}</c>.</summary>
        private List<Token> Lex(int start, out bool trimRight)
        {
            var tokens = new List<Token>();
            while (true)
            {
                if (_position >= text.Length)
                {
                    throw _positions.Error(start, "unclosed action");
                }

                var c = text[_position];
                if (string.CompareOrdinal(text, _position, "}}", 0, 2) == 0)
                {
                    _position += 2;
                    trimRight = false;
                    return tokens;
                }

                if (IsSpace(c))
                {
                    if (string.CompareOrdinal(text, _position + 1, "-}}", 0, 3) == 0)
                    {
                        _position += 4;
                        trimRight = true;
                        return tokens;
                    }

                    _position++;
                    continue;
                }

                var offset = _position;
                if (c == '.')
                {
                    var name = ReadWhile(_position + 1, IsIdentifier);
                    if (name.Length == 0)
                    {
                        throw _positions.Error(offset, "the dot alone ({{ . }}) is not supported; name a field");
                    }

                    tokens.Add(new Token(TokenKind.Field, name, offset));
                }
                else if (char.IsAsciiDigit(c) || (c == '-' && _position + 1 < text.Length && char.IsAsciiDigit(text[_position + 1])))
                {
                    var digits = ReadWhile(_position + 1, char.IsAsciiDigit);
                    if (!int.TryParse(c + digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
                    {
                        throw _positions.Error(offset, $"number {c}{digits} out of range");
                    }

                    tokens.Add(new Token(TokenKind.Number, c + digits, offset));
                }
                else if (c == '"')
                {
                    tokens.Add(new Token(TokenKind.String, ReadString(offset), offset));
                }
                else if (c is '(' or ')')
                {
                    _position++;
                    tokens.Add(new Token(c == '(' ? TokenKind.LeftParen : TokenKind.RightParen, c.ToString(), offset));
                }
                else if (IsIdentifier(c))
                {
                    tokens.Add(new Token(TokenKind.Identifier, ReadWhile(_position, IsIdentifier), offset));
                }
                else
                {
                    throw _positions.Error(offset, c == '$' ? "variables are not supported in a Corefile template" : $"unexpected '{c}' in action");
                }
            }
        }

        /// <summary>Reads from <paramref name="from"/> while <paramref name="accept"/> holds; leaves the position after it.</summary>
        private string ReadWhile(int from, Func<char, bool> accept)
        {
            var end = from;
            while (end < text.Length && accept(text[end]))
            {
                end++;
            }

            _position = end;
            return text[from..end];
        }

        private string ReadString(int offset)
        {
            var value = new StringBuilder();
            for (var i = offset + 1; i < text.Length && text[i] != '\n'; i++)
            {
                switch (text[i])
                {
                    case '"':
                        _position = i + 1;
                        return value.ToString();
                    case '\\' when i + 1 < text.Length:
                        value.Append(text[++i] switch { 'n' => '\n', 't' => '\t', var other => other });
                        break;
                    default:
                        value.Append(text[i]);
                        break;
                }
            }

            throw _positions.Error(offset, "unterminated quoted string");
        }

        private static bool IsSpace(char c) => c is ' ' or '\t' or '\r' or '\n';

        private static bool IsIdentifier(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

        private sealed class Frame(IfNode node, int offset, bool chained)
        {
            public int Offset { get; } = offset;

            public bool Chained { get; } = chained;

            public bool InElse { get; set; }

            public List<Node> Target => InElse ? node.Else : node.Then;
        }
    }

    private enum TokenKind
    {
        Identifier,
        Field,
        Number,
        String,
        LeftParen,
        RightParen,
    }

    private readonly record struct Token(TokenKind Kind, string Text, int Offset)
    {
        /// <summary>The token as written (a field with its dot), for error messages.</summary>
        public string Written => Kind == TokenKind.Field ? "." + Text : Text;
    }
}
