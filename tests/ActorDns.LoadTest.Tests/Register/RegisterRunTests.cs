using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using ActorDns.LoadTest.Register;
using ActorDns.Testing;
using Xunit;

namespace ActorDns.LoadTest.Tests.Register;

/// <summary><c>register</c> against a tiny in-test HTTP API on 127.0.0.1: every service is PUT once, counted, and deleted afterwards.</summary>
public sealed class RegisterRunTests : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<(string Method, string Path)> _requests = new();
    private readonly Uri _api;
    private int _status = 201;

    public RegisterRunTests()
    {
        var port = FreePort.Next();
        _api = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(_api.ToString());
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    [Fact]
    public async Task Run_ApiAcknowledges_RegistersEachServiceOnceAndDeletesThemAfterwards()
    {
        using var run = new RegisterRun(new RegisterOptions([_api], "default", 50, 4, TimeSpan.FromSeconds(5), "t1", Keep: false), TextWriter.Null);

        var report = await run.RunAsync(CancellationToken.None);

        Assert.Equal(50, report.Registered);
        Assert.Equal(0, report.Failed);
        Assert.Equal(50, report.Put.Count);
        Assert.Equal(0, report.ExitCode());
        var puts = _requests.Where(r => r.Method == "PUT").Select(r => r.Path).ToList();
        Assert.Equal(50, puts.Distinct().Count());
        Assert.All(puts, p => Assert.StartsWith("/meshes/default/dataplanes/reg-t1-", p, StringComparison.Ordinal));
        Assert.Equal(puts.Order(), _requests.Where(r => r.Method == "DELETE").Select(r => r.Path).Order());
    }

    [Fact]
    public async Task Run_ApiFails_CountsEveryServiceAsFailedAfterOneRetry()
    {
        _status = 503;
        using var run = new RegisterRun(new RegisterOptions([_api], "default", 10, 2, TimeSpan.FromSeconds(5), "t2", Keep: true), TextWriter.Null);

        var report = await run.RunAsync(CancellationToken.None);

        Assert.Equal(0, report.Registered);
        Assert.Equal(10, report.Failed);
        Assert.Equal(10, report.Retries);
        Assert.Equal(1, report.ExitCode());
        Assert.Equal(20, _requests.Count(r => r.Method == "PUT"));
        Assert.DoesNotContain(_requests, r => r.Method == "DELETE");
    }

    public void Dispose() => _listener.Close();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            _requests.Enqueue((context.Request.HttpMethod, context.Request.Url!.AbsolutePath));
            context.Response.StatusCode = context.Request.HttpMethod == "PUT" ? _status : 200;
            context.Response.Close();
        }
    }
}
