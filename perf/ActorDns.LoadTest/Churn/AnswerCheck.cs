namespace ActorDns.LoadTest.Churn;

/// <summary>
/// The correctness check of a churn run: the first address each resolver answered for a service must be
/// the VIP the control plane shows for <c>service:&lt;name&gt;</c> (so every resolver answers the same),
/// and that VIP must never change while the service exists.
/// </summary>
internal static class AnswerCheck
{
    public static AnswerVerdict Verify(IEnumerable<ServiceTrace> traces, IReadOnlyList<string> resolvers, IReadOnlyDictionary<string, string> vips, IEnumerable<string> vipChanges)
    {
        var wrong = new List<string>(vipChanges);
        var verified = 0;
        var unverified = 0;
        foreach (var trace in traces)
        {
            var answers = trace.Resolved
                .Select((answer, i) => (Resolver: resolvers[i], Address: answer?.Address?.ToString()))
                .Where(a => a.Address is not null)
                .ToList();
            if (answers.Count == 0)
            {
                continue;
            }

            if (vips.TryGetValue(trace.Name, out var vip))
            {
                verified++;
                wrong.AddRange(answers.Where(a => a.Address != vip).Select(a => $"{trace.Name}: {a.Resolver} answered {a.Address}, the VIP is {vip}"));
            }
            else
            {
                unverified++;
                if (answers.Select(a => a.Address).Distinct().Count() > 1)
                {
                    wrong.Add($"{trace.Name}: resolvers disagree: {string.Join(", ", answers.Select(a => $"{a.Resolver} answered {a.Address}"))}");
                }
            }
        }

        return new AnswerVerdict(wrong, verified, unverified);
    }
}
