using System.CommandLine;
using System.CommandLine.Parsing;

namespace ActorDns.LoadTest.Cli;

/// <summary>Option factories shared by the commands, with validation at parse time.</summary>
internal static class CommonOptions
{
    public static Option<TimeSpan> Duration(string name, string description, TimeSpan defaultValue) => new(name)
    {
        Description = $"{description} (e.g. 500ms, 20s, 1.5m)",
        HelpName = "duration",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = ParseDuration,
    };

    public static Option<double> Rate(string description, double defaultValue)
    {
        var option = new Option<double>("--rate") { Description = description, HelpName = "per-second", DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double>() is <= 0 or double.NaN or double.PositiveInfinity)
            {
                r.AddError("--rate must be a positive number");
            }
        });
        return option;
    }

    public static Option<int> Positive(string name, string description, int defaultValue)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError($"{name} must be at least 1");
            }
        });
        return option;
    }

    public static Option<string[]> Repeatable(string name, string description, string helpName, bool required = true) => new(name)
    {
        Description = description,
        HelpName = helpName,
        Arity = required ? ArgumentArity.OneOrMore : ArgumentArity.ZeroOrMore,
        AllowMultipleArgumentsPerToken = false,
        Required = required,
    };

    public static Option<string?> Json() => new("--json") { Description = "also write the result as JSON to this file", HelpName = "file" };

    public static Option<bool> AllowRemote() => new("--allow-remote")
    {
        Description = "allow targets that are not loopback addresses (refused by default, so that a typo never loads someone else's server)",
    };

    private static TimeSpan ParseDuration(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (Durations.TryParse(text, out var duration) && duration > TimeSpan.Zero)
        {
            return duration;
        }

        result.AddError($"'{text}' is not a positive duration (e.g. 500ms, 20s, 1.5m)");
        return default;
    }
}
