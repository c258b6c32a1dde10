using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;

namespace ActorDns.ControlPlane.Templates;

/// <summary>
/// The control plane's Corefile template (SPEC §4.6, <c>bootstrapServer.corefileTemplatePath</c>), carried to every
/// resolver: each control-plane node answers <see cref="GetCorefileTemplate"/> at <see cref="PublisherPath"/> and
/// publishes a change on <see cref="Topic"/>; a resolver asks on start and at every check, and listens to the topic.
/// </summary>
public static class CorefileTemplateProtocol
{
    public const string Topic = "corefile-template";
    public const string PublisherName = "corefile-template";
    public const string PublisherPath = "/user/" + PublisherName;

    public sealed record GetCorefileTemplate;

    /// <summary>The template text and the file it was read from on the control plane; both null when none is configured.</summary>
    public sealed record TemplateOffer(string? Source, string? Text);

    public static Props Publisher(IActorRef mediator, TemplateOffer initial) => Props.Create(() => new CorefileTemplatePublisher(mediator, initial));

    public static Props Subscriber(IActorRef mediator, Action<TemplateOffer> received, TimeSpan checkInterval) =>
        Props.Create(() => new CorefileTemplateSubscriber(mediator, received, checkInterval));

    /// <summary>On a control-plane node: answers with the template it holds, and publishes a new one it is told.</summary>
    private sealed class CorefileTemplatePublisher : ReceiveActor
    {
        private TemplateOffer _current;

        public CorefileTemplatePublisher(IActorRef mediator, TemplateOffer initial)
        {
            _current = initial;
            mediator.Tell(new Put(Self));
            Receive<GetCorefileTemplate>(_ => Sender.Tell(_current));
            Receive<TemplateOffer>(template =>
            {
                _current = template;
                mediator.Tell(new Publish(Topic, template));
            });
        }
    }

    /// <summary>On a resolver: asks any control-plane node, listens for changes, and hands each new template on.</summary>
    private sealed class CorefileTemplateSubscriber : ReceiveActor, IWithTimers
    {
        private const string CheckTimer = "template-check";

        private readonly IActorRef _mediator;
        private readonly TimeSpan _checkInterval;
        private TemplateOffer? _last;

        public CorefileTemplateSubscriber(IActorRef mediator, Action<TemplateOffer> received, TimeSpan checkInterval)
        {
            _mediator = mediator;
            _checkInterval = checkInterval;
            mediator.Tell(new Subscribe(Topic, Self));
            Receive<SubscribeAck>(_ => Ask());
            Receive<Check>(_ => Ask());
            Receive<TemplateOffer>(template =>
            {
                if (template != _last)
                {
                    _last = template;
                    received(template);
                }
            });
        }

        public ITimerScheduler Timers { get; set; } = null!;

        protected override void PreStart()
        {
            Timers.StartPeriodicTimer(CheckTimer, Check.Instance, _checkInterval);
            Ask();
        }

        /// <summary>Asks one control-plane node; an answer that does not come is asked again at the next check.</summary>
        private void Ask() => _mediator.Tell(new Send(PublisherPath, new GetCorefileTemplate(), localAffinity: false));

        private sealed class Check
        {
            public static readonly Check Instance = new();
        }
    }
}
