namespace Broadcaster.Node.WebSockets;

/// <summary>
/// One result of <see cref="FrameReader.Read"/>. <see cref="Payload"/> (a text message, or a ping's payload) stays
/// valid until the next call.
/// </summary>
public readonly record struct ReadFrame(FrameKind Kind, ReadOnlyMemory<byte> Payload = default, int CloseCode = 0, string Reason = "")
{
    public static ReadFrame NeedMore => default;

    public static ReadFrame Fail(int code, string reason) => new(FrameKind.Fail, CloseCode: code, Reason: reason);
}
