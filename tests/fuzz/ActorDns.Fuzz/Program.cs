using ActorDns.Fuzz;
using SharpFuzz;

// dotnet ActorDns.Fuzz.dll TARGET          run under afl-fuzz (tests/fuzz/run), one input per execution on standard input
// dotnet ActorDns.Fuzz.dll TARGET FILE…    run the target once on each file, as the corpus replay test does
if (args.Length == 0 || !FuzzTargets.All.TryGetValue(args[0], out var target))
{
    Console.Error.WriteLine($"usage: ActorDns.Fuzz TARGET [FILE…]; targets: {string.Join(", ", FuzzTargets.All.Keys)}");
    return 2;
}

if (args.Length > 1)
{
    foreach (var file in args[1..])
    {
        target(File.ReadAllBytes(file));
    }

    return 0;
}

Fuzzer.OutOfProcess.Run(stream =>
{
    using var input = new MemoryStream();
    stream.CopyTo(input);
    target(input.ToArray());
});
return 0;
