using ActorDns.Benchmarks;
using BenchmarkDotNet.Running;

if (args is ["memory"])
{
    ResolverMemory.Run();
}
else
{
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
