namespace ActorDns.Server.Query;

/// <summary>
/// The records of one reply: <see cref="Answers"/> (pre-encoded RRs whose owner points at the question)
/// and optionally one apex record (SOA or NS, from TYPE on) whose owner is a pointer to <see cref="ApexOwner"/>,
/// placed in the answer or the authority section.
/// </summary>
internal readonly ref struct Records(ReadOnlySpan<byte> answers, int answerCount, int apexOwner, ReadOnlySpan<byte> apexRecord, bool inAnswer)
{
    public ReadOnlySpan<byte> Answers { get; } = answers;

    public int AnswerCount { get; } = answerCount;

    public int ApexOwner { get; } = apexOwner;

    public ReadOnlySpan<byte> ApexRecord { get; } = apexRecord;

    public bool ApexInAnswer { get; } = inAnswer;

    public bool HasApexRecord => ApexOwner >= 0 && !ApexRecord.IsEmpty;
}
