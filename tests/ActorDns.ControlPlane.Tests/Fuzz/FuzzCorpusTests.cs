using ActorDns.Fuzz;
using ActorDns.Testing;
using Xunit;

namespace ActorDns.ControlPlane.Tests.Fuzz;

/// <summary>
/// Every input of the fuzzing corpora (tests/fuzz/corpus: the seeds) and of the regression corpora (tests/fuzz/regressions:
/// what AFL++ found, once fixed) runs through its target on every build: each is handled without an unexpected exception.
/// </summary>
public sealed class FuzzCorpusTests
{
    private static readonly string Root = RepositoryRoot.Combine("tests", "fuzz");

    public static TheoryData<string, string> Inputs()
    {
        var inputs = new TheoryData<string, string>();
        foreach (var corpus in new[] { "corpus", "regressions" })
        {
            var directory = Path.Combine(Root, corpus);
            foreach (var file in Directory.Exists(directory) ? Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories) : [])
            {
                var relative = Path.GetRelativePath(Root, file);
                if (!relative.EndsWith(".md", StringComparison.Ordinal))
                {
                    inputs.Add(relative.Split(Path.DirectorySeparatorChar)[1], relative);
                }
            }
        }

        return inputs;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Target_CorpusInput_HandledWithoutAnUnexpectedException(string target, string input)
    {
        Assert.True(FuzzTargets.All.TryGetValue(target, out var run), $"{input}: no fuzz target '{target}'");

        run(File.ReadAllBytes(Path.Combine(Root, input)));
    }

    [Fact]
    public void Corpus_EveryTarget_HasSeeds()
    {
        Assert.All(FuzzTargets.All.Keys, target => Assert.NotEmpty(Directory.GetFiles(Path.Combine(Root, "corpus", target))));
    }
}
