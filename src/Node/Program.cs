using System.CommandLine;
using System.Reflection;
using Broadcaster.Node.Admin;
using Broadcaster.Node.Configuration;
using Broadcaster.Node.Hosting;
using Broadcaster.Node.Tls;

namespace Broadcaster.Node;

public static class Program
{
    /// <summary>
    /// The node stops itself on SIGTERM (gracefully, with the restart exit code when asked to): the library must
    /// neither cancel the command nor cut it short, and a crash stays a crash.
    /// </summary>
    private static readonly InvocationConfiguration Invocation = new()
    {
        ProcessTerminationTimeout = null,
        EnableDefaultExceptionHandler = false,
    };

    public static async Task<int> Main(string[] args)
    {
        var parsed = CommandLineSyntax.Parse(args);
        if (parsed.Errors.Count > 0) return ConfigurationError(CommandLineSyntax.Describe(parsed.Errors));
        // Runs --help, --version, or the command through RunAsync.
        return await parsed.InvokeAsync(Invocation);
    }

    /// <summary>Runs a parsed command: loads the configuration, then serves, checks, probes or administers.</summary>
    internal static async Task<int> RunAsync(CommandLine cli)
    {
        BroadcasterOptions options;
        try
        {
            options = OptionsLoader.Load(cli, Environment.GetEnvironmentVariables());
            if (cli.Command == "check")
            {
                // Loading the certificate files catches a wrong passphrase or a mismatched key before serve does.
                if (options.Tls.Enabled) TlsEndpoint.Load(options.Tls).Dispose();
                Console.WriteLine(OptionsSummary.Describe(options));
                return 0;
            }
            if (cli.Command == "probe") return await ProbeAsync(options);
            if (cli.Command is "restart" or "status") return await AdminClient.RunAsync(cli.Command, options);
            if (cli.Command == "clean") return StatisticsHosting.Clean(options.Statistics, cli.Days, Console.Out);
        }
        catch (SettingsException e)
        {
            return ConfigurationError(e.Message);
        }

        var files = FileDescriptorLimit.Raise();
        BroadcasterServer server;
        try
        {
            server = await BroadcasterServer.StartAsync(options);
        }
        catch (SettingsException e)
        {
            Console.Error.WriteLine($"broadcaster: configuration error: {e.Message}");
            return 1;
        }
        var log = server.Logger;
        if (options.UsesDefaultApp)
            log.LogWarning("No app configured: serving the default app id={Id} key={Key} (set PUSHER_APP_ID, PUSHER_APP_KEY and PUSHER_APP_SECRET, or broadcaster.apps)",
                options.Apps[0].Id, options.Apps[0].Key);
        log.LogInformation("Broadcaster {Version} listening on {Host}:{Port}{Prefix} for {Apps} app(s)",
            Version, options.Host, server.Port, options.PathPrefix, options.Apps.Count);
        var cluster = options.Cluster;
        var host = cluster.PublicHostname.Length > 0 ? cluster.PublicHostname : cluster.Hostname;
        var self = $"{host}:{cluster.Port}";
        if (cluster.Seeds.Count > 0 && !cluster.Seeds.Contains(self))
            log.LogWarning("This node ({Self}) is not in its own seed list ({Seeds}): list every node as a seed, in the same order on every node, or a rolling restart can split the cluster",
                self, string.Join(", ", cluster.Seeds));
        var management = $"{(cluster.Discovery.ManagementHostname.Length > 0 ? cluster.Discovery.ManagementHostname : host)}:{cluster.Discovery.ManagementPort}";
        if (cluster.Discovery.Method == DiscoveryMethod.Config && !cluster.Discovery.Endpoints.Contains(management))
            log.LogWarning("This node's management endpoint ({Self}) is not among the discovery endpoints ({Endpoints}): it can join a cluster but never form one, and the others never wait for it",
                management, string.Join(", ", cluster.Discovery.Endpoints));
        // The .NET runtime already lifts the soft limit to the hard limit before Main; Raise makes sure of it.
        if (files is { } f)
        {
            var sockets = f.After > 100 ? f.After - 100 : f.After;
            if (f.After < (ulong)Math.Min(options.MaxConnections, 10_000))
                log.LogWarning("Open files limit {Limit}: at most about {Sockets} connections; raise the hard limit (ulimit -n, supervisord minfds, systemd LimitNOFILE, docker ulimits)", f.After, sockets);
            else
                log.LogInformation("Open files limit {Limit}: up to about {Sockets} connections", f.After, sockets);
        }
        await server.WaitForShutdownAsync();
        await server.StopAsync();
        // A distinct code, so supervisors restart the node even with autorestart=unexpected or restart: on-failure.
        return server.RestartRequested ? RestartExitCode : 0;
    }

    /// <summary>Exit 0 when the node at --host/--port is ready: for Docker healthchecks and scripts, which have no curl.</summary>
    private static async Task<int> ProbeAsync(BroadcasterOptions options)
    {
        using var http = LocalNode.CreateClient(options, TimeSpan.FromSeconds(3));
        try
        {
            using var response = await http.GetAsync($"{LocalNode.BaseUrl(options)}/ready");
            Console.WriteLine(await response.Content.ReadAsStringAsync());
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Console.Error.WriteLine($"broadcaster: probe failed: {e.Message}");
            return 1;
        }
    }

    private static int ConfigurationError(string message)
    {
        Console.Error.WriteLine($"broadcaster: configuration error: {message}");
        return 2;
    }

    /// <summary>EX_TEMPFAIL: the node stopped for a rolling restart and wants to be started again.</summary>
    public const int RestartExitCode = 75;

    public static string Version =>
        typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

}
