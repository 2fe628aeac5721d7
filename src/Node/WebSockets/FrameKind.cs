namespace Broadcaster.Node.WebSockets;

/// <summary>What <see cref="FrameReader"/> found in the bytes received so far.</summary>
public enum FrameKind
{
    /// <summary>Not a whole frame yet: read more bytes.</summary>
    NeedMore,
    /// <summary>A complete text message (all its fragments), valid UTF-8.</summary>
    Text,
    Ping,
    Pong,
    /// <summary>The client's close frame; <see cref="ReadFrame.CloseCode"/> is 1005 when it carried no code.</summary>
    Close,
    /// <summary>The client broke the protocol: close with <see cref="ReadFrame.CloseCode"/> and stop reading.</summary>
    Fail,
}
