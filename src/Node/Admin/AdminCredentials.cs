using Broadcaster.Node.Configuration;
using Broadcaster.Protocol.Apps;

namespace Broadcaster.Node.Admin;

/// <summary>
/// Who may restart the cluster or read its status: whoever holds the cluster's configuration, shown by signing the
/// request like an HTTP API call with the admin secret (auth_key "admin"). Without one, a node serving a single app
/// takes that app's key and secret (its owner owns the cluster: the Pixelfed set-up); a node serving several apps
/// takes none of them, since one app's credentials must not restart the connections of another.
/// </summary>
public static class AdminCredentials
{
    public const string AdminKey = "admin";

    /// <summary>The credentials a request with this <c>auth_key</c> must be signed with, or null.</summary>
    public static PusherApp? For(BroadcasterOptions options, string? authKey)
    {
        if (options.AdminSecret.Length > 0) return authKey == AdminKey ? new PusherApp(AdminKey, AdminKey, options.AdminSecret) : null;
        return AppsMaySign(options) && options.Apps[0].Key == authKey ? options.Apps[0] : null;
    }

    /// <summary>Why a request with this <c>auth_key</c> has no credentials to be checked against.</summary>
    public static string Refusal(BroadcasterOptions options, string? authKey)
    {
        var isApp = options.Apps.Any(a => a.Key == authKey);
        if (options.AdminSecret.Length > 0)
            return isApp ? "Admin calls are signed with broadcaster.admin.secret (auth_key \"admin\"), not with an app's credentials" : "Unknown auth_key";
        if (!AppsMaySign(options) && (isApp || authKey == AdminKey))
            return "This node serves several apps: admin calls need broadcaster.admin.secret (auth_key \"admin\"), which is not set";
        if (authKey == AdminKey) return "broadcaster.admin.secret is not set: sign with the app's key and secret";
        return "Unknown auth_key";
    }

    private static bool AppsMaySign(BroadcasterOptions options) => options.Apps.Count == 1;

    /// <summary>What the command line signs with: the admin secret if configured, else the first app.</summary>
    public static PusherApp Signer(BroadcasterOptions options) =>
        options.AdminSecret.Length > 0 ? new PusherApp(AdminKey, AdminKey, options.AdminSecret) : options.Apps[0];
}
