namespace ActorDns.LoadTest.Register;

/// <summary>What <c>register</c> does: <paramref name="Count"/> new services, <paramref name="Concurrency"/> requests in flight.</summary>
internal sealed record RegisterOptions(IReadOnlyList<Uri> Apis, string Mesh, int Count, int Concurrency, TimeSpan HttpTimeout, string RunId, bool Keep)
{
    public string ServicePrefix => $"reg-{RunId}-";
}
