using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace Broadcaster.Actors.Mailboxes;

/// <summary>
/// The mailbox of the node's most numerous actors (connections, channels): a <see cref="LeanMessageQueue"/>. Props
/// select it with <see cref="Path"/>, which every node's configuration (and the tests') defines with <see cref="Hocon"/>.
/// </summary>
public sealed class LeanMailbox(Settings settings, Config config) : MailboxType(settings, config), IProducesMessageQueue<LeanMessageQueue>
{
    public const string Path = "broadcaster-lean-mailbox";

    public static string Hocon { get; } =
        $"{Path} {{ mailbox-type = \"{typeof(LeanMailbox).FullName}, {typeof(LeanMailbox).Assembly.GetName().Name}\" }}";

    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new LeanMessageQueue();
}
