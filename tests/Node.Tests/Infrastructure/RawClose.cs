namespace Broadcaster.Node.Tests.Infrastructure;

/// <summary>
/// How the server ended a <see cref="RawWebSocket"/>: its close frame's code and reason (null code: a close frame without
/// one), whether it then closed the TCP connection itself, and the Pusher messages it sent before the close frame.
/// </summary>
public sealed record RawClose(int? Code, string Reason, bool TcpClosed, IReadOnlyList<Frame> Before);
