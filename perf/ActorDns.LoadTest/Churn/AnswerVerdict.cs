namespace ActorDns.LoadTest.Churn;

/// <summary>
/// Wrong answers found by <see cref="AnswerCheck"/>; how many resolved services had their VIP checked, and
/// how many could only be compared across resolvers because no snapshot of <c>/vips</c> caught them.
/// </summary>
internal sealed record AnswerVerdict(IReadOnlyList<string> Wrong, int Verified, int Unverified);
