using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;

namespace Broadcaster.Node.Configuration;

/// <summary>
/// The commands and options of <c>broadcaster</c> and their help. It parses and prints help; <see cref="CommandLine"/>
/// turns a parse into the flags <see cref="OptionsLoader"/> merges over the file and environment, and
/// <see cref="Program.RunAsync"/> runs the command.
/// </summary>
public static class CommandLineSyntax
{
    // Every option is accepted by every command, as before: `status` and `probe` read the same file and
    // environment as `serve`, and a deploy script may pass them the node's whole command line.
    public static readonly Option<string?> Host = Recursive(new Option<string?>("--host")
    {
        Description = "Address to listen on, or of the node to reach (default 0.0.0.0; env BROADCASTER_HOST).",
        HelpName = "HOST",
    });

    public static readonly Option<int?> Port = PortOption("--port",
        "Port for WebSockets and the HTTP API (default 6001; env BROADCASTER_PORT).");

    public static readonly Option<int?> ClusterPort = PortOption("--cluster-port",
        "Port for cluster traffic between nodes (default 0: a free port, enough for a single node; env BROADCASTER_CLUSTER_PORT).");

    public static readonly Option<string[]> Seed = Recursive(new Option<string[]>("--seed")
    {
        Description = "A seed node of the cluster; repeatable (default none: a cluster of one; env BROADCASTER_SEEDS=h:p,h:p).",
        HelpName = "HOST:PORT",
        // One value per --seed, so a stray word after it is an error rather than another seed.
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    });

    public static readonly Option<string?> Config = Recursive(new Option<string?>("--config")
    {
        Description = "HOCON file merged over the built-in defaults (default none: hocon/broadcaster.conf alone).",
        HelpName = "FILE",
    });

    public static readonly Option<bool> Debug = Recursive(new Option<bool>("--debug")
    {
        Description = "Log every connection, subscription, client event and API event (default off; env BROADCASTER_DEBUG=1).",
        // A flag, never `--debug false`: a word after it is an unknown argument, as before.
        Arity = ArgumentArity.Zero,
    });

    /// <summary><c>clean</c> only: how old a statistics row must be to go.</summary>
    public static readonly Option<int?> Days = new("--days")
    {
        Description = "Remove statistics entries older than this many days (default: broadcaster.statistics.retention).",
        HelpName = "N",
        CustomParser = result =>
        {
            var text = result.Tokens[0].Value;
            if (int.TryParse(text, out var days) && days >= 0) return days;
            result.AddError($"--days: '{text}' is not a number of days (0 or more).");
            return null;
        },
    };

    private static readonly ParserConfiguration Parsing = new()
    {
        // `@file` expands nowhere: a value is what was typed.
        ResponseFileTokenReplacer = null,
    };

    private static readonly RootCommand Root = BuildRoot();

    public static ParseResult Parse(IReadOnlyList<string> args) => Root.Parse(args, Parsing);

    /// <summary>The parse errors as one configuration error that says where the valid commands and options are listed.</summary>
    public static string Describe(IReadOnlyList<ParseError> errors) =>
        $"{string.Join(" ", errors.Select(e => e.Message).Distinct())} Run with --help for the list of commands and options.";

    private static RootCommand BuildRoot()
    {
        var root = new RootCommand("Broadcaster: a Pusher-compatible WebSocket server that runs as a cluster.")
        {
            HelpName = "broadcaster",
        };
        // Only the library's help and version options are replaced: `-h` and `--help` as before (not `/?`),
        // and the version with its source revision, as before.
        foreach (var builtIn in root.Options.Where(o => o is HelpOption or VersionOption).ToList()) root.Options.Remove(builtIn);
        foreach (var option in new Option[] { Host, Port, ClusterPort, Seed, Config, Debug }) root.Options.Add(option);
        root.Options.Add(new HelpOption("--help", "-h") { Action = new HelpWithEnvironment() });
        var version = new PrintVersion();
        root.Options.Add(new VersionOption { Action = version });

        var serve = new Command("serve", "Serve WebSockets and the HTTP API and join the cluster (the default command).");
        var check = new Command("check", "Validate the configuration and print it, secrets hidden; exit 2 when invalid.");
        var restart = new Command("restart", "Rolling restart of every node of the cluster, through the node at --host/--port (10 s).");
        var status = new Command("status", "The cluster's nodes: state, readiness, connections, channels.");
        var probe = new Command("probe", "Exit 0 when the node at --host/--port is ready (for healthchecks without curl).");
        var clean = new Command("clean", "Remove statistics entries older than --days N (like websockets:clean).") { Days };
        // With no command the node serves, as it always has: the root runs like serve.
        foreach (var command in new Command[] { root, serve, check, restart, status, probe, clean })
            command.SetAction((result, _) => Program.RunAsync(CommandLine.From(result)));
        foreach (var command in new[] { serve, check, restart, status, probe, clean }) root.Subcommands.Add(command);

        // `broadcaster help` and `broadcaster version` have always worked; they stay, unlisted beside --help and --version.
        var help = new Command("help") { Hidden = true };
        help.SetAction(result => Parse(["--help"]).Invoke(result.InvocationConfiguration));
        root.Subcommands.Add(help);
        root.Subcommands.Add(new Command("version") { Hidden = true, Action = version });
        return root;
    }

    private static T Recursive<T>(T option) where T : Option
    {
        option.Recursive = true;
        return option;
    }

    private static Option<int?> PortOption(string name, string description) => Recursive(new Option<int?>(name)
    {
        Description = description,
        HelpName = "PORT",
        CustomParser = result =>
        {
            var text = result.Tokens[0].Value;
            if (int.TryParse(text, out var port) && port is >= 0 and <= 65535) return port;
            result.AddError($"{name}: '{text}' is not a port number (0-65535).");
            return null;
        },
    });

    /// <summary>
    /// The library's help, then what it has no section for: the environment variables the node reads (and, for the
    /// whole tool, one line per command as deploy files run it).
    /// </summary>
    private sealed class HelpWithEnvironment : SynchronousCommandLineAction
    {
        private readonly HelpAction _standard = new();

        // Help asked for beside a mistake is still help, as the library's own help action does.
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            var code = _standard.Invoke(parseResult);
            var output = parseResult.InvocationConfiguration.Output;
            if (parseResult.CommandResult.Command is RootCommand) output.WriteLine(Examples);
            output.WriteLine(EnvironmentSection);
            return code;
        }
    }

    private sealed class PrintVersion : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(Program.Version);
            return 0;
        }
    }

    private const string Examples = """
        Examples:
          broadcaster serve --config /etc/broadcaster.conf --cluster-port 4000 --seed node1:4000 --seed node2:4000
          broadcaster check --config /etc/broadcaster.conf
          broadcaster restart --config /etc/broadcaster.conf
          broadcaster status --host 127.0.0.1 --port 6001
          broadcaster probe --port 6001
          broadcaster clean --days 30 --config /etc/broadcaster.conf

        """;

    private const string EnvironmentSection = """
        Environment (overrides the configuration file; flags override both):
          PUSHER_APP_ID, PUSHER_APP_KEY, PUSHER_APP_SECRET   the default app (as in a Laravel .env)
          BROADCASTER_HOST, BROADCASTER_PORT, BROADCASTER_PATH_PREFIX, BROADCASTER_DEBUG=1
          BROADCASTER_CLUSTER_PORT, BROADCASTER_SEEDS, BROADCASTER_CLUSTER_HOSTNAME, BROADCASTER_PUBLIC_HOSTNAME
          BROADCASTER_DISCOVERY_METHOD (seeds, config, dns), BROADCASTER_DISCOVERY_SERVICE_NAME,
          BROADCASTER_DISCOVERY_ENDPOINTS=h:p,h:p, BROADCASTER_DISCOVERY_REQUIRED_CONTACT_POINTS,
          BROADCASTER_MANAGEMENT_HOSTNAME, BROADCASTER_MANAGEMENT_PORT   cluster bootstrap without seeds
          BROADCASTER_LOG_LEVEL (trace, debug, information, warning, error, critical)
          BROADCASTER_ADMIN_SECRET   signs restart and status (else an app's key and secret do)
          BROADCASTER_DASHBOARD_ENABLED=1, BROADCASTER_DASHBOARD_PASSWORD, BROADCASTER_STATISTICS_DATABASE
          LARAVEL_WEBSOCKETS_SSL_LOCAL_CERT, LARAVEL_WEBSOCKETS_SSL_LOCAL_PK, LARAVEL_WEBSOCKETS_SSL_PASSPHRASE,
          LARAVEL_WEBSOCKETS_SSL_CA, LARAVEL_WEBSOCKETS_SSL_VERIFY_PEER, LARAVEL_WEBSOCKETS_SSL_ALLOW_SELF_SIGNED

        """;
}
