namespace ActorDns.LoadTest.Churn;

/// <summary>
/// The end of one API request, after at most one retry: its final status (null after a timeout or a
/// connection failure) and the Stopwatch timestamps of its start and of the final response.
/// </summary>
internal sealed record HttpOutcome(int? Status, long Start, long End, bool Retried)
{
    public bool Ok => Status is >= 200 and < 300;

    /// <summary>A DELETE that succeeded, or whose retry found nothing left because the first attempt did succeed.</summary>
    public bool Deleted => Ok || (Retried && Status == 404);
}
