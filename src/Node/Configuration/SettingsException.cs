namespace Broadcaster.Node.Configuration;

/// <summary>Invalid configuration: the message names the setting, and the node exits non-zero.</summary>
public sealed class SettingsException(string message) : Exception(message);
