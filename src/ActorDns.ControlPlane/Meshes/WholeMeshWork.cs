namespace ActorDns.ControlPlane.Meshes;

/// <summary>
/// Work over every entry of a mesh that an actor hands off (the state is immutable): a read of the whole mesh, the
/// reconcile's walk, a resolver's cache write. The thread pool also runs the actors and the HTTP requests and starts
/// with one thread per core; two such tasks of a 100,000-service mesh, a third of a second each, left every change
/// waiting for the pool to add a thread (decision 0043). So the work of a large mesh gets a thread of its own; a
/// small mesh's is done before that would matter, and costs no thread.
/// </summary>
public static class WholeMeshWork
{
    /// <summary>From this many entries on, the work gets a thread of its own.</summary>
    public const int Large = 10_000;

    public static Task<T> Run<T>(int entries, Func<T> work) =>
        entries < Large
            ? Task.Run(work)
            : Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
