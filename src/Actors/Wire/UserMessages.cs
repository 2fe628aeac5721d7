namespace Broadcaster.Actors.Wire;

/// <summary>
/// <c>POST /apps/{app}/users/{user}/terminate_connections</c> accepted on some node: every node closes the connections
/// signed in as that user. Handed to the accepting node's user directory and published for the others.
/// </summary>
public sealed record TerminateUser(string AppId, string UserId) : IWireMessage;
