namespace ActorDns.Server.Query;

/// <summary>
/// The records of one reply: <see cref="Answers"/> (pre-encoded RRs whose owner points into the question),
/// optionally one apex record (SOA or NS, from TYPE on) whose owner is a pointer to <see cref="ApexOwner"/>,
/// placed in the answer or the authority section, <see cref="Additional"/> RRs (an SRV target's addresses), and
/// pre-encoded <see cref="Authority"/> RRs (a Corefile <c>template</c>'s).
/// </summary>
internal readonly ref struct Records(
    ReadOnlySpan<byte> answers, int answerCount, int apexOwner, ReadOnlySpan<byte> apexRecord, bool inAnswer,
    ReadOnlySpan<byte> additional = default, int additionalCount = 0, ReadOnlySpan<byte> authority = default, int authorityCount = 0)
{
    public ReadOnlySpan<byte> Answers { get; } = answers;

    public int AnswerCount { get; } = answerCount;

    public int ApexOwner { get; } = apexOwner;

    public ReadOnlySpan<byte> ApexRecord { get; } = apexRecord;

    public bool ApexInAnswer { get; } = inAnswer;

    public ReadOnlySpan<byte> Additional { get; } = additional;

    public int AdditionalCount { get; } = additionalCount;

    public ReadOnlySpan<byte> Authority { get; } = authority;

    public int AuthorityCount { get; } = authorityCount;

    public bool HasApexRecord => ApexOwner >= 0 && !ApexRecord.IsEmpty;
}
