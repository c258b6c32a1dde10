using System.CommandLine;
using ActorDns.Host.Cli;

// The host's own lifetime handles SIGINT/SIGTERM, so the command line's handler is switched off.
return await ActorDnsCli.Build().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
