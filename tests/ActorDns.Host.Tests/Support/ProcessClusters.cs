using Xunit;

namespace ActorDns.Host.Tests.Support;

/// <summary>
/// The tests that run several <c>actordns</c> processes and kill some of them. They run one at a time and
/// after the other tests: on two cores, two of them at once delay heartbeats past the failure detector's
/// pause and turn a slow node into a "dead" one.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessClusters
{
    public const string Name = "process clusters";
}
