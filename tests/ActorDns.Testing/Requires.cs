using Xunit;

namespace ActorDns.Testing;

/// <summary>
/// What a test needs from the machine (a program, a database server). When it is missing, the test is
/// reported <b>skipped</b> with the reason — never passed — so it must be a <c>[SkippableFact]</c> or
/// <c>[SkippableTheory]</c>. On CI (<c>CI=true</c>, as <c>.ci/run</c> runs) a missing dependency fails
/// the test instead: CI installs everything, so a missing piece there is a broken set-up.
/// </summary>
public static class Requires
{
    /// <summary>Set by <c>.ci/run</c> and by most CI systems.</summary>
    public static bool OnCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The full path of <paramref name="program"/> on PATH, or a skip naming the Debian package that has it.</summary>
    public static string Program(string program, string debianPackage)
    {
        var path = ExecutablePath.Find(program);
        Missing(path is null, $"'{program}' is not on PATH (Debian package {debianPackage}; ./test.sh installs it)");
        return path!;
    }

    /// <summary><c>dig</c>, the DNS client the end-to-end tests use.</summary>
    public static string Dig() => Program("dig", "bind9-dnsutils");

    /// <summary>
    /// The connection string of the test PostgreSQL server (ACTORDNS_TEST_POSTGRES, which ./test.sh
    /// exports after starting the Debian package's server), or a skip.
    /// </summary>
    public static string Postgres()
    {
        var connection = Environment.GetEnvironmentVariable("ACTORDNS_TEST_POSTGRES");
        Missing(string.IsNullOrEmpty(connection), "ACTORDNS_TEST_POSTGRES is not set: no PostgreSQL server for this test (./test.sh starts one)");
        return connection!;
    }

    /// <summary>Skips (or, on CI, fails) with <paramref name="reason"/> when <paramref name="missing"/>.</summary>
    public static void Missing(bool missing, string reason)
    {
        if (!missing)
        {
            return;
        }

        if (OnCi)
        {
            Assert.Fail($"missing on CI: {reason}");
        }

        throw new SkipException(reason);
    }
}
