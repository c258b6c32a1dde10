using ActorDns.Server.Query;

namespace ActorDns.Server.Pipeline;

/// <summary>
/// The in-process mesh answerer: <c>forward FROM 127.0.0.1:{{ .EnvoyDNSPort }}</c> of a Kuma Corefile, for names in
/// FROM (every name, by default).
/// </summary>
public sealed class MeshStep(ZoneSlot zone, ZoneFilter? from = null) : PipelineStep
{
    public override StepResult Run(ref QueryContext context) =>
        from is null || from.Matches(context.Query.QName(context.Request))
            ? QueryEngine.Answer(zone.Current, ref context)
            : context.Pass(Unanswered.NotForThisStep);
}
