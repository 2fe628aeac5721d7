namespace Broadcaster.Node.Configuration;

/// <summary>Parsed command line: <c>serve [--host H] [--port P] [--config FILE] [--debug]</c>.</summary>
public sealed record CommandLine(string Command, string? Host, int? Port, string? ConfigFile, bool Debug)
{
    public int? ClusterPort { get; init; }

    /// <summary>Seeds given with <c>--seed host:port</c> (repeatable).</summary>
    public IReadOnlyList<string> Seeds { get; init; } = [];

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var command = args.Count > 0 && !args[0].StartsWith('-') ? args[0] : "serve";
        var hasCommand = args.Count > 0 && !args[0].StartsWith('-');
        string? host = null, config = null;
        int? port = null, clusterPort = null;
        var seeds = new List<string>();
        var debug = false;
        for (var i = hasCommand ? 1 : 0; i < args.Count; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "--host": host = Value(args, ref i, arg); break;
                case "--port": port = PortValue(args, ref i, arg); break;
                case "--cluster-port": clusterPort = PortValue(args, ref i, arg); break;
                case "--seed": seeds.Add(Value(args, ref i, arg)); break;
                case "--config": config = Value(args, ref i, arg); break;
                case "--debug": debug = true; break;
                case "--help" or "-h": command = "help"; break;
                case "--version": command = "version"; break;
                default: throw new SettingsException($"Unknown option '{arg}'. Run with --help for the list of options.");
            }
        }
        return new CommandLine(command, host, port, config, debug) { ClusterPort = clusterPort, Seeds = seeds };
    }

    private static int PortValue(IReadOnlyList<string> args, ref int i, string name)
    {
        var text = Value(args, ref i, name);
        return int.TryParse(text, out var p) && p is >= 0 and <= 65535
            ? p
            : throw new SettingsException($"{name}: '{text}' is not a port number (0-65535)");
    }

    private static string Value(IReadOnlyList<string> args, ref int i, string name) =>
        ++i < args.Count ? args[i] : throw new SettingsException($"{name} needs a value");

    public const string Help = """
        Broadcaster: a Pusher-compatible WebSocket server that runs as a cluster.

        Usage:
          broadcaster serve   [--host HOST] [--port PORT] [--config FILE] [--debug]
                              [--cluster-port PORT] [--seed HOST:PORT ...]
          broadcaster check   [same options as serve]   validate the configuration, print it (secrets hidden)
          broadcaster restart [--config FILE] [--host H] [--port P]   rolling restart of every node (10 s)
          broadcaster status  [--config FILE] [--host H] [--port P]   nodes, state, connections, channels
          broadcaster probe   [--config FILE] [--host H] [--port P]   exit 0 when that node is ready
          broadcaster --help | --version

        Options:
          --host HOST      Address to listen on, or of the node to reach (default 0.0.0.0; env BROADCASTER_HOST).
          --port PORT      Port for WebSockets and the HTTP API (default 6001; env BROADCASTER_PORT).
          --config FILE    HOCON file merged over the built-in defaults (hocon/broadcaster.conf).
          --debug          Log every connection, subscription, client event and API event.
          --cluster-port P Port for cluster traffic between nodes (env BROADCASTER_CLUSTER_PORT).
          --seed HOST:PORT A seed node of the cluster; repeatable (env BROADCASTER_SEEDS=h:p,h:p).

        Environment (overrides the configuration file; flags override both):
          PUSHER_APP_ID, PUSHER_APP_KEY, PUSHER_APP_SECRET   the default app (as in a Laravel .env)
          BROADCASTER_HOST, BROADCASTER_PORT, BROADCASTER_PATH_PREFIX, BROADCASTER_DEBUG=1
          BROADCASTER_CLUSTER_PORT, BROADCASTER_SEEDS, BROADCASTER_CLUSTER_HOSTNAME, BROADCASTER_PUBLIC_HOSTNAME
          BROADCASTER_LOG_LEVEL (trace, debug, information, warning, error, critical)
          BROADCASTER_ADMIN_SECRET   signs restart and status (else an app's key and secret do)
          LARAVEL_WEBSOCKETS_SSL_LOCAL_CERT, LARAVEL_WEBSOCKETS_SSL_LOCAL_PK, LARAVEL_WEBSOCKETS_SSL_PASSPHRASE,
          LARAVEL_WEBSOCKETS_SSL_CA, LARAVEL_WEBSOCKETS_SSL_VERIFY_PEER, LARAVEL_WEBSOCKETS_SSL_ALLOW_SELF_SIGNED
        """;
}
