using System.Globalization;

namespace ActorDns.Host.Configuration;

/// <summary>The durations settings and the token API take: seconds (<c>120</c>, <c>120s</c>), minutes (<c>2m</c>) or hours (<c>24h</c>).</summary>
public static class Duration
{
    public const string Expected = "a duration such as 120s, 2m or 24h (at most 1000000 of its unit)";

    public static bool TryParse(string text, out TimeSpan value)
    {
        value = default;
        var unit = text.Length > 0 && char.IsLetter(text[^1]) ? text[^1] : 's';
        var number = text.Length > 0 && char.IsLetter(text[^1]) ? text[..^1] : text;
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) || !(amount is >= 0 and <= 1e6) || unit is not ('s' or 'm' or 'h'))
        {
            return false;
        }

        value = unit switch { 'h' => TimeSpan.FromHours(amount), 'm' => TimeSpan.FromMinutes(amount), _ => TimeSpan.FromSeconds(amount) };
        return true;
    }
}
