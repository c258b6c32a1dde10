using ActorDns.Server.Query;

namespace ActorDns.Server.Pipeline;

/// <summary>The in-process mesh answerer: <c>forward . 127.0.0.1:{{ .EnvoyDNSPort }}</c> of a Kuma Corefile.</summary>
public sealed class MeshStep(ZoneSlot zone) : PipelineStep
{
    public override StepResult Run(ref QueryContext context) => QueryEngine.Answer(zone.Current, ref context);
}
