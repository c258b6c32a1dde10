using System.Globalization;
using System.Text;

namespace ActorDns.ControlPlane.Catalog.Templates;

/// <summary>
/// The subset of Go's <c>text/template</c> that Kuma's hostname templates use: literal text, fields
/// (<c>{{ .Name }}</c>), the function <c>label "key"</c>, and the trim markers <c>{{-</c> and <c>-}}</c>. Parse and
/// execution errors read as Go's (<c>template: :1: bad character U+005B '['</c>), which Kuma's messages embed.
/// </summary>
public sealed class GoTemplate
{
    private readonly IReadOnlyList<Part> _parts;

    private GoTemplate(IReadOnlyList<Part> parts) => _parts = parts;

    /// <summary>A literal, a field (<c>.Name</c>) or a call of <c>label</c> with its argument.</summary>
    private sealed record Part(string? Text, string? Field, string? Label, int Line);

    public static bool TryParse(string text, out GoTemplate template, out string error)
    {
        template = null!;
        error = "";
        var parts = new List<Part>();
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
            var flushed = literal.ToString();
            if (trimLeft)
            {
                flushed = flushed.TrimEnd();
            }

            if (flushed.Length > 0)
            {
                parts.Add(new Part(flushed, null, null, line));
            }

            literal.Clear();
            if (!TryParseAction(action, line, out var part, out error))
            {
                return false;
            }

            parts.Add(part);
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
            parts.Add(new Part(literal.ToString(), null, null, line));
        }

        template = new GoTemplate(parts);
        return true;
    }

    /// <summary>
    /// Renders with <paramref name="fields"/> (null for a field the data does not have) and <paramref name="labels"/>
    /// (null for a label the resource does not have, which fails as Kuma's <c>label</c> does).
    /// </summary>
    public bool TryRender(Func<string, string?> fields, Func<string, string?> labels, out string result, out string error)
    {
        var text = new StringBuilder();
        error = "";
        result = "";
        foreach (var part in _parts)
        {
            if (part.Text is not null)
            {
                text.Append(part.Text);
            }
            else if (part.Field is not null)
            {
                if (fields(part.Field) is not { } value)
                {
                    error = $"template: :{part.Line}: executing \"\" at <.{part.Field}>: can't evaluate field {part.Field}";
                    return false;
                }

                text.Append(value);
            }
            else if (labels(part.Label!) is { } label)
            {
                text.Append(label);
            }
            else
            {
                error = $"template: :{part.Line}: executing \"\" at <label \"{part.Label}\">: error calling label: label {part.Label} not found";
                return false;
            }
        }

        result = text.ToString();
        return true;
    }

    private static bool TryParseAction(string action, int line, out Part part, out string error)
    {
        part = null!;
        error = "";
        var tokens = new List<string>();
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

        switch (tokens)
        {
            case []:
                error = $"template: :{line}: missing value for command";
                return false;
            case [var field] when field.StartsWith('.') && field.Length > 1:
                part = new Part(null, field[1..], null, line);
                return true;
            case ["label", var key] when key.StartsWith('"'):
                part = new Part(null, null, key[1..^1], line);
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
