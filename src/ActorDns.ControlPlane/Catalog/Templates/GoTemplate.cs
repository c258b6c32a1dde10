using System.Globalization;
using System.Text;

namespace ActorDns.ControlPlane.Catalog.Templates;

/// <summary>
/// The subset of Go's <c>text/template</c> that Kuma's templates use: literal text, fields (<c>{{ .Name }}</c>), the
/// function <c>label "key"</c>, <c>{{if .x}}…{{else}}…{{end}}</c>, and the trim markers <c>{{-</c> and <c>-}}</c>.
/// Parse and execution errors read as Go's (<c>template: :1: bad character U+005B '['</c>), which Kuma's messages
/// embed.
/// </summary>
public sealed class GoTemplate
{
    private readonly List<Node> _nodes;

    private GoTemplate(List<Node> nodes) => _nodes = nodes;

    private abstract record Node(int Line);

    private sealed record Text(string Value, int Line) : Node(Line);

    private sealed record Field(string Name, int Line) : Node(Line);

    private sealed record Label(string Key, int Line) : Node(Line);

    private sealed record If(string Field, List<Node> Then, List<Node> Else, int Line) : Node(Line);

    public static bool TryParse(string text, out GoTemplate template, out string error)
    {
        template = null!;
        error = "";
        var root = new List<Node>();
        var open = new Stack<(If Node, bool InElse)>();
        List<Node> Current() => open.Count == 0 ? root : open.Peek().InElse ? open.Peek().Node.Else : open.Peek().Node.Then;
        var literal = new StringBuilder();
        var i = 0;
        var line = 1;
        while (i < text.Length)
        {
            if (!text.AsSpan(i).StartsWith("{{"))
            {
                line += text[i] == '\n' ? 1 : 0;
                literal.Append(text[i++]);
                continue;
            }

            var close = text.IndexOf("}}", i + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                error = $"template: :{line}: unclosed action";
                return false;
            }

            var action = text[(i + 2)..close];
            var trimLeft = action.StartsWith("- ", StringComparison.Ordinal);
            var trimRight = action.EndsWith(" -", StringComparison.Ordinal);
            action = action[(trimLeft ? 1 : 0)..(action.Length - (trimRight ? 1 : 0))];
            var flushed = trimLeft ? literal.ToString().TrimEnd() : literal.ToString();
            if (flushed.Length > 0)
            {
                Current().Add(new Text(flushed, line));
            }

            literal.Clear();
            if (!TryTokenize(action, line, out var tokens, out error))
            {
                return false;
            }

            switch (tokens)
            {
                case ["if", var field] when field.StartsWith('.') && field.Length > 1:
                    var node = new If(field[1..], [], [], line);
                    Current().Add(node);
                    open.Push((node, false));
                    break;
                case ["if", ..]:
                    error = $"template: :{line}: missing value for if";
                    return false;
                case ["else"] when open.Count > 0 && !open.Peek().InElse:
                    open.Push((open.Pop().Node, true));
                    break;
                case ["else"] or ["end"] when open.Count == 0 || tokens[0] == "else":
                    error = $"template: :{line}: unexpected {{{{{tokens[0]}}}}}";
                    return false;
                case ["end"]:
                    open.Pop();
                    break;
                default:
                    if (!TryParseCommand(tokens, line, out var command, out error))
                    {
                        return false;
                    }

                    Current().Add(command);
                    break;
            }

            i = close + 2;
            if (trimRight)
            {
                while (i < text.Length && char.IsWhiteSpace(text[i]))
                {
                    line += text[i] == '\n' ? 1 : 0;
                    i++;
                }
            }
        }

        if (literal.Length > 0)
        {
            Current().Add(new Text(literal.ToString(), line));
        }

        if (open.Count > 0)
        {
            error = $"template: :{line}: unexpected EOF";
            return false;
        }

        template = new GoTemplate(root);
        return true;
    }

    /// <summary>
    /// Renders with <paramref name="fields"/> and <paramref name="labels"/> (null for a label the resource does not
    /// have, which fails as Kuma's <c>label</c> does). A field <paramref name="fields"/> does not have fails, as a
    /// missing struct field does in Go; with <paramref name="missingField"/> it renders as that text instead and
    /// is false in <c>if</c>, as a missing map key does (Go writes <c>&lt;no value&gt;</c>).
    /// </summary>
    public bool TryRender(Func<string, string?> fields, Func<string, string?> labels, out string result, out string error, string? missingField = null)
    {
        var text = new StringBuilder();
        result = "";
        if (!TryRender(_nodes, fields, labels, missingField, text, out error))
        {
            return false;
        }

        result = text.ToString();
        return true;
    }

    private static bool TryRender(List<Node> nodes, Func<string, string?> fields, Func<string, string?> labels, string? missingField, StringBuilder text, out string error)
    {
        error = "";
        foreach (var node in nodes)
        {
            switch (node)
            {
                case Text literal:
                    text.Append(literal.Value);
                    break;
                case Field field when (fields(field.Name) ?? missingField) is { } value:
                    text.Append(value);
                    break;
                case Field field:
                    error = $"template: :{field.Line}: executing \"\" at <.{field.Name}>: can't evaluate field {field.Name}";
                    return false;
                case Label label when labels(label.Key) is { } value:
                    text.Append(value);
                    break;
                case Label label:
                    error = $"template: :{label.Line}: executing \"\" at <label \"{label.Key}\">: error calling label: label {label.Key} not found";
                    return false;
                case If branch:
                    var condition = fields(branch.Field);
                    if (condition is null && missingField is null)
                    {
                        error = $"template: :{branch.Line}: executing \"\" at <.{branch.Field}>: can't evaluate field {branch.Field}";
                        return false;
                    }

                    if (!TryRender(string.IsNullOrEmpty(condition) ? branch.Else : branch.Then, fields, labels, missingField, text, out error))
                    {
                        return false;
                    }

                    break;
            }
        }

        return true;
    }

    private static bool TryTokenize(string action, int line, out List<string> tokens, out string error)
    {
        tokens = [];
        error = "";
        var i = 0;
        while (i < action.Length)
        {
            var c = action[i];
            if (c is ' ' or '\t' or '\r' or '\n')
            {
                i++;
            }
            else if (c == '"')
            {
                var end = action.IndexOf('"', i + 1);
                if (end < 0)
                {
                    error = $"template: :{line}: unterminated quoted string";
                    return false;
                }

                tokens.Add(action[i..(end + 1)]);
                i = end + 1;
            }
            else if (c == '.' || char.IsAsciiLetter(c) || c == '_')
            {
                var start = i++;
                while (i < action.Length && (char.IsAsciiLetterOrDigit(action[i]) || action[i] == '_'))
                {
                    i++;
                }

                tokens.Add(action[start..i]);
            }
            else
            {
                error = string.Create(CultureInfo.InvariantCulture, $"template: :{line}: bad character U+{(int)c:X4} '{c}'");
                return false;
            }
        }

        return true;
    }

    private static bool TryParseCommand(List<string> tokens, int line, out Node node, out string error)
    {
        node = null!;
        error = "";
        switch (tokens)
        {
            case []:
                error = $"template: :{line}: missing value for command";
                return false;
            case [var field] when field.StartsWith('.') && field.Length > 1:
                node = new Field(field[1..], line);
                return true;
            case ["label", var key] when key.StartsWith('"'):
                node = new Label(key[1..^1], line);
                return true;
            case ["label", ..]:
                error = $"template: :{line}: wrong number of args for label: want 1 got {tokens.Count - 1}";
                return false;
            case [var name, ..] when !name.StartsWith('.') && !name.StartsWith('"'):
                error = $"template: :{line}: function \"{name}\" not defined";
                return false;
            default:
                error = $"template: :{line}: unexpected \"{tokens[^1]}\" in command";
                return false;
        }
    }
}
