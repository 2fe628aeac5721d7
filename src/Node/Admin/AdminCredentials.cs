using Broadcaster.Node.Configuration;
using Broadcaster.Protocol.Apps;

namespace Broadcaster.Node.Admin;

/// <summary>
/// Who may restart the cluster or read its status: whoever holds the cluster's configuration, shown by signing the
/// request like an HTTP API call with the admin secret (auth_key "admin") or with an app's key and secret.
/// </summary>
public static class AdminCredentials
{
    public const string AdminKey = "admin";

    /// <summary>The credentials a request with this <c>auth_key</c> must be signed with, or null.</summary>
    public static PusherApp? For(BroadcasterOptions options, string? authKey)
    {
        if (authKey == AdminKey) return options.AdminSecret.Length > 0 ? new PusherApp(AdminKey, AdminKey, options.AdminSecret) : null;
        return options.Apps.FirstOrDefault(a => a.Key == authKey);
    }

    /// <summary>What the command line signs with: the admin secret if configured, else the first app.</summary>
    public static PusherApp Signer(BroadcasterOptions options) =>
        options.AdminSecret.Length > 0 ? new PusherApp(AdminKey, AdminKey, options.AdminSecret) : options.Apps[0];
}
