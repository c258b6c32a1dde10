using System.Runtime.InteropServices;

namespace ActorDns.LoadTest.Cli;

/// <summary>
/// The first Ctrl-C (SIGINT) or SIGTERM cancels <see cref="Token"/> and keeps the process alive, so a run
/// can stop sending, clean up what it created and still print its report; a second one ends the process.
/// </summary>
internal sealed class ShutdownSignal : IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;

    public ShutdownSignal()
    {
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle);
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle);
    }

    public CancellationToken Token => _cancellation.Token;

    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
        _cancellation.Dispose();
    }

    private void Handle(PosixSignalContext context)
    {
        if (_cancellation.IsCancellationRequested)
        {
            return;
        }

        context.Cancel = true;
        Console.Error.WriteLine("stopping: finishing the run, then reporting (signal again to quit at once)");
        _cancellation.Cancel();
    }
}
