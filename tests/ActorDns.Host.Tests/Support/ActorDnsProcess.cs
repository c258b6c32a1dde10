using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ActorDns.Host.Tests.Support;

/// <summary>The real <c>actordns</c> executable, started as a child process (the build copies it next to the tests).</summary>
public sealed class ActorDnsProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _standardOutput = new();
    private readonly StringBuilder _standardError = new();
    private int _disposed;

    private ActorDnsProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(_standardOutput, e.Data);
        process.ErrorDataReceived += (_, e) => Append(_standardError, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Standard output and standard error as they interleaved, for diagnostics.</summary>
    public string Output => Read(_output);

    public string StandardOutput => Read(_standardOutput);

    public string StandardError => Read(_standardError);

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static ActorDnsProcess Start(params string[] args) => Start(new Dictionary<string, string>(), args);

    /// <summary>Starts the process with extra environment variables (never set on the test process itself, which runs tests in parallel).</summary>
    public static ActorDnsProcess Start(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        Start(environment, Path.GetTempPath(), args);

    /// <summary>Runs a command that reads <paramref name="input"/> on its standard input (<c>apply -f -</c>), which is then closed.</summary>
    public static ActorDnsProcess StartWithInput(string input, params string[] args)
    {
        var process = Start(new Dictionary<string, string>(), Path.GetTempPath(), args, redirectInput: true);
        process._process.StandardInput.Write(input);
        process._process.StandardInput.Close();
        return process;
    }

    /// <summary>Starts the process in <paramref name="workingDirectory"/>, where its relative defaults (<c>./data</c>) land.</summary>
    public static ActorDnsProcess StartIn(string workingDirectory, params string[] args) =>
        Start(new Dictionary<string, string>(), workingDirectory, args);

    /// <summary>
    /// Starts <c>actordns</c> through <paramref name="wrapper"/> (a program and its arguments that ends by running the rest of
    /// its command line, such as <c>unshare -m sh -c '… exec "$@"' sh</c>); the wrapper must exec it, so that the process is actordns.
    /// </summary>
    public static ActorDnsProcess StartWrapped(IReadOnlyList<string> wrapper, params string[] args) =>
        Start(new Dictionary<string, string>(), Directory.GetCurrentDirectory(), args, wrapper: wrapper);

    private static ActorDnsProcess Start(IReadOnlyDictionary<string, string> environment, string workingDirectory, string[] args, bool redirectInput = false, IReadOnlyList<string>? wrapper = null)
    {
        var info = new ProcessStartInfo(wrapper?[0] ?? "dotnet")
        {
            RedirectStandardInput = redirectInput,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        if (wrapper is not null)
        {
            foreach (var part in wrapper.Skip(1))
            {
                info.ArgumentList.Add(part);
            }

            info.ArgumentList.Add("dotnet");
        }

        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "actordns.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        return new ActorDnsProcess(Process.Start(info)!);
    }

    /// <summary>Waits until <c>/health/ready</c> answers 200, failing early if the process exits.</summary>
    public async Task WaitReadyAsync(IPEndPoint api, TimeSpan? timeout = null)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"actordns exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                if ((await http.GetAsync($"http://{api}/health/ready")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"actordns not ready within the timeout:\n{Output}");
    }

    /// <summary>The exit code, once the process and its output streams have ended.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancellation.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGTERM, then waits for the process to finish its graceful shutdown.</summary>
    public async Task<int> StopGracefullyAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        return await WaitForExitAsync(timeout);
    }

    /// <summary>SIGKILL: no shutdown at all, as a crash.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    private void Append(StringBuilder stream, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
            stream.AppendLine(line);
        }
    }

    private string Read(StringBuilder text)
    {
        lock (_output)
        {
            return text.ToString();
        }
    }

    /// <summary>Kills the process if it still runs; a second call does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
