// ActorDns.LoadTest — the load-test harness (run with --help for every flag).
//
//   query  Open-loop DNS load. Queries leave on a fixed schedule (--rate per second for --duration),
//          spread over several sockets, each with its own sending and receiving thread, whatever the
//          replies do; latency runs from each query's scheduled send time, so a stall is measured, not
//          hidden (coordinated omission). Names come from --names FILE or from a control plane's
//          GET /meshes/{mesh}/dns-records (--api URL --mesh M); --aaaa-percent of the queries are AAAA.
//          Replies are matched by ID per socket and must repeat the question; a reply after --timeout is
//          lost. Reports sent/answered/lost, rcodes, achieved rate and latency percentiles.
//
//            dotnet ActorDns.LoadTest.dll query --server 127.0.0.1:15053 --api http://127.0.0.1:5681 \
//                --rate 5000 --duration 20s [--tcp] [--json result.json]
//
//   churn  Registration churn. Every 1/--rate s a new service churn-<run>-<i> is PUT as a Dataplane
//          (round-robin over --api nodes), polled on every --resolver until its name resolves, deleted
//          after --lifetime and polled until gone. Reports PUT/DELETE latency, PUT → resolvable and
//          DELETE → gone per resolver, HTTP statuses, and checks every first answer against /vips:
//          a wrong answer makes the exit code 1. Ctrl-C stops and deletes everything the run created.
//
//            dotnet ActorDns.LoadTest.dll churn --api http://127.0.0.1:5681 --resolver 127.0.0.1:15053 \
//                --rate 20 --duration 30s --lifetime 10s [--json churn.json]
//
//   register  Registration throughput. --concurrency workers each PUT the next new Dataplane as soon as
//          their previous one is acknowledged (round-robin over --api nodes) until --count are registered;
//          reports services/s and PUT latency, then deletes them (untimed) unless --keep.
//
//            dotnet ActorDns.LoadTest.dll register --api http://127.0.0.11:5681 --api http://127.0.0.12:5681 \
//                --count 100000 --concurrency 64
//
// Targets must be loopback addresses unless --allow-remote is given.
using System.CommandLine;
using ActorDns.LoadTest.Cli;

// ShutdownSignal handles SIGINT/SIGTERM itself (first: stop and clean up; second: quit), so the command line's handler is off.
return await LoadTestCli.Build().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
