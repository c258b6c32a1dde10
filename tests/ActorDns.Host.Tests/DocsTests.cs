using System.Text.RegularExpressions;
using ActorDns.Host.Configuration;
using ActorDns.Testing;
using Xunit;

namespace ActorDns.Host.Tests;

/// <summary>
/// The documents a newcomer reads: no dead relative link or anchor anywhere, the README a user's guide that
/// starts with the two commands, and docs/configuration.md naming every setting the code has.
/// </summary>
public sealed partial class DocsTests
{
    private static readonly string[] Skipped = ["/bin/", "/obj/", "/.git/", "/TestResults/", "/BenchmarkDotNet.Artifacts/"];

    public static TheoryData<string> Documents()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(RepositoryRoot.Path, "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(RepositoryRoot.Path, file);
            if (!Skipped.Any(s => ("/" + relative).Contains(s, StringComparison.Ordinal)))
            {
                data.Add(relative);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void RelativeLinks_PointToExistingFilesAndHeadings(string document)
    {
        var path = RepositoryRoot.Combine(document);
        var dead = new List<string>();
        foreach (Match link in MarkdownLink().Matches(WithoutCode(File.ReadAllText(path))))
        {
            var target = link.Groups["target"].Value;
            if (Uri.TryCreate(target, UriKind.Absolute, out _))
            {
                continue;
            }

            var hash = target.IndexOf('#', StringComparison.Ordinal);
            var file = hash < 0 ? target : target[..hash];
            var anchor = hash < 0 ? null : target[(hash + 1)..];
            var resolved = file.Length == 0 ? path : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, Uri.UnescapeDataString(file)));
            if (!resolved.StartsWith(RepositoryRoot.Path, StringComparison.Ordinal))
            {
                dead.Add($"{target}: outside the repository");
            }
            else if (!File.Exists(resolved) && !Directory.Exists(resolved))
            {
                dead.Add($"{target}: no such file");
            }
            else if (anchor is not null && (!File.Exists(resolved) || !Anchors(resolved).Contains(anchor)))
            {
                dead.Add($"{target}: no heading with that anchor");
            }
        }

        Assert.Empty(dead);
    }

    [Fact]
    public void Readme_IsAGuideOfAtMost12KB_ThatStartsWithTheRunAndTestCommands()
    {
        var readme = File.ReadAllText(RepositoryRoot.Combine("README.md"));
        var firstBlock = Regex.Match(readme, "```sh\n(?<body>.*?)```", RegexOptions.Singleline).Groups["body"].Value;
        var commands = firstBlock.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('#', 2)[0].Trim()).ToList();

        Assert.True(new FileInfo(RepositoryRoot.Combine("README.md")).Length <= 12 * 1024, "README.md is over 12 KB: move reference material to docs/");
        Assert.Equal(["dotnet run --project src/ActorDns.Host", "./test.sh"], commands);
        Assert.Equal(readme.IndexOf("```sh", StringComparison.Ordinal), readme.IndexOf("```", StringComparison.Ordinal));
        Assert.True(File.Exists(RepositoryRoot.Combine("test.sh")));
        Assert.Contains("exec ./test.sh", File.ReadAllText(RepositoryRoot.Combine(".ci", "run")), StringComparison.Ordinal);
    }

    [Fact]
    public void ConfigurationDoc_NamesEveryFlagEnvironmentVariableAndConfigKey()
    {
        var doc = File.ReadAllText(RepositoryRoot.Combine("docs", "configuration.md"));

        var missing = Setting.All
            .SelectMany(s => new[] { s.Flag, s.Env, s.KumaEnv, s.Key })
            .Append("--config")
            .OfType<string>()
            .Where(name => !Regex.IsMatch(doc, $@"`{Regex.Escape(name)}[` ]"))
            .ToList();

        Assert.Empty(missing);
    }

    [Fact]
    public void DecisionRecords_AreNumberedDatedAndIndexed()
    {
        var folder = RepositoryRoot.Combine("docs", "decisions");
        var index = File.ReadAllText(Path.Combine(folder, "README.md"));
        var records = Directory.GetFiles(folder, "*.md").Select(Path.GetFileName).Where(f => f != "README.md").Order(StringComparer.Ordinal).ToList();

        Assert.NotEmpty(records);
        Assert.All(records, name =>
        {
            Assert.Matches(@"^\d{4}-[a-z0-9-]+\.md$", name);
            var text = File.ReadAllText(Path.Combine(folder, name!));
            Assert.StartsWith($"# {name![..4]}. ", text, StringComparison.Ordinal);
            Assert.Matches(@"\nDate: \d{4}-\d{2}-\d{2}\n", text);
            Assert.Contains($"({name})", index, StringComparison.Ordinal);
        });
        Assert.Equal(Enumerable.Range(1, records.Count).Select(i => $"{i:D4}"), records.Select(r => r![..4]));
    }

    /// <summary>GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered.</summary>
    private static HashSet<string> Anchors(string path)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match heading in Heading().Matches(FencedCode().Replace(File.ReadAllText(path), "")))
        {
            var slug = Regex.Replace(heading.Groups["text"].Value.Trim().ToLowerInvariant(), @"[^\p{L}\p{N} _-]", "").Replace(' ', '-');
            var unique = slug;
            for (var i = 1; !anchors.Add(unique); i++)
            {
                unique = $"{slug}-{i}";
            }
        }

        return anchors;
    }

    /// <summary>Fenced code blocks and inline code hold no links.</summary>
    private static string WithoutCode(string markdown) => InlineCode().Replace(FencedCode().Replace(markdown, ""), "");

    [GeneratedRegex(@"(?<!!)\[[^\]]*\]\((?<target>[^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"^#{1,6}\s+(?<text>.+?)\s*#*$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"^```.*?^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedCode();

    [GeneratedRegex(@"`[^`\n]*`")]
    private static partial Regex InlineCode();
}
