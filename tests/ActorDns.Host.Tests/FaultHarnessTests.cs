using System.Diagnostics;
using ActorDns.Host.Tests.Support;
using ActorDns.Testing;
using Xunit;
using Xunit.Abstractions;

namespace ActorDns.Host.Tests;

/// <summary>
/// The fault harness of issue 15 (tests/faults/faults.py): the real topology — three control-plane nodes on PostgreSQL,
/// two resolvers, each node its own Unix user — in a private network namespace, under one fault per scenario. The
/// harness checks the scenario's properties itself and exits 1 when one failed; its log is this test's output. The
/// nemesis runs its short version: two minutes, seed 1.
/// </summary>
[Collection(ProcessClusters.Name)]
public sealed class FaultHarnessTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ScenarioTimeout = TimeSpan.FromMinutes(4);

    [SkippableTheory]
    [InlineData("cut-proof")]
    [InlineData("partition")]
    [InlineData("partition-bridged")]
    [InlineData("partition-oneway")]
    [InlineData("flapping")]
    [InlineData("resolver-cut")]
    [InlineData("resolver-cut-bridged")]
    [InlineData("pause")]
    [InlineData("nemesis")]
    public async Task Scenario_OnTheRealTopology_EveryPropertyHolds(string scenario)
    {
        Requires.Missing(Environment.UserName != "root", "the fault harness needs root (users, nftables, unshare -n)");
        foreach (var (program, package) in new[] { ("nft", "nftables"), ("setpriv", "util-linux"), ("unshare", "util-linux"), ("psql", "postgresql"), ("openssl", "openssl") })
        {
            Requires.Program(program, package);
        }

        Requires.Dig();
        Requires.Missing(!Directory.Exists("/usr/lib/postgresql"), "the fault harness starts a PostgreSQL server of its own (Debian package postgresql)");
        Requires.Missing(!File.Exists("/usr/bin/python3"), "the fault harness is a Python 3 script (Debian package python3)");

        var work = Directory.CreateTempSubdirectory("actordns-faults-").FullName;
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { RepositoryRoot.Combine("tests", "faults", "faults.py"), scenario, "--bin", AppContext.BaseDirectory, "--work", work })
        {
            info.ArgumentList.Add(argument);
        }

        using var harness = Process.Start(info)!;
        var stdout = harness.StandardOutput.ReadToEndAsync();
        var stderr = harness.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ScenarioTimeout);
        try
        {
            await harness.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            harness.Kill(entireProcessTree: true);
        }

        output.WriteLine(await stdout);
        output.WriteLine(await stderr);
        var passed = harness.HasExited && harness.ExitCode == 0;
        if (passed)
        {
            Directory.Delete(work, recursive: true);
        }

        Assert.True(passed, $"{scenario}: the harness reported a failed property or did not finish; every node's log is kept in {work}");
    }
}
