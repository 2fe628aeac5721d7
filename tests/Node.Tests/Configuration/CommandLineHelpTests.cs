using System.CommandLine;
using System.Text.RegularExpressions;
using Broadcaster.Node.Configuration;

namespace Broadcaster.Node.Tests.Configuration;

/// <summary>
/// What System.CommandLine does for the command line: help for the tool and for each command, the version, and
/// the errors it finds, which stay configuration errors (exit 2) that point at --help.
/// </summary>
public sealed class CommandLineHelpTests
{
    private static readonly string[] Commands = ["serve", "check", "restart", "status", "probe"];

    private static readonly string[] Options = ["--host <HOST>", "--port <PORT>", "--cluster-port <PORT>", "--seed <HOST:PORT>", "--config <FILE>", "--debug", "-h, --help"];

    /// <summary>Each option's built-in default and the environment variable that overrides it, as the help states them.</summary>
    private static readonly (string Option, string Default, string? Env)[] Defaults =
    [
        ("--host", "default 0.0.0.0", "env BROADCASTER_HOST"),
        ("--port", "default 6001", "env BROADCASTER_PORT"),
        ("--cluster-port", "default 0", "env BROADCASTER_CLUSTER_PORT"),
        ("--seed", "default none", "env BROADCASTER_SEEDS"),
        ("--config", "default none", null),
        ("--debug", "default off", "env BROADCASTER_DEBUG"),
    ];

    private static readonly string[] EnvironmentVariables =
    [
        "PUSHER_APP_ID", "PUSHER_APP_KEY", "PUSHER_APP_SECRET", "BROADCASTER_HOST", "BROADCASTER_PORT",
        "BROADCASTER_PATH_PREFIX", "BROADCASTER_DEBUG", "BROADCASTER_CLUSTER_PORT", "BROADCASTER_SEEDS",
        "BROADCASTER_CLUSTER_HOSTNAME", "BROADCASTER_PUBLIC_HOSTNAME", "BROADCASTER_LOG_LEVEL", "BROADCASTER_ADMIN_SECRET",
        "LARAVEL_WEBSOCKETS_SSL_LOCAL_CERT", "LARAVEL_WEBSOCKETS_SSL_LOCAL_PK", "LARAVEL_WEBSOCKETS_SSL_PASSPHRASE",
        "LARAVEL_WEBSOCKETS_SSL_CA", "LARAVEL_WEBSOCKETS_SSL_VERIFY_PEER", "LARAVEL_WEBSOCKETS_SSL_ALLOW_SELF_SIGNED",
    ];

    /// <summary>Runs the parse's own action (help or version) with its output captured; never a node command.</summary>
    private static (int Code, string Output) Print(params string[] args)
    {
        var parsed = CommandLineSyntax.Parse(args);
        Assert.Empty(parsed.Errors);
        var output = new StringWriter();
        var code = parsed.Invoke(new InvocationConfiguration { Output = output });
        return (code, output.ToString());
    }

    private static void AssertListsOptionsAndEnvironment(string help)
    {
        foreach (var option in Options) Assert.Matches(new Regex($@"^\s+{Regex.Escape(option)}\s", RegexOptions.Multiline), help);
        foreach (var (option, defaultValue, env) in Defaults)
        {
            var line = help.Split('\n').Single(l => l.TrimStart().StartsWith(option + " "));
            Assert.Contains(defaultValue, line);
            if (env is not null) Assert.Contains(env, line);
        }
        var environment = help.IndexOf("\nEnvironment (", StringComparison.Ordinal);
        Assert.True(environment >= 0, help);
        foreach (var name in EnvironmentVariables) Assert.Matches($@"\b{name}\b", help[environment..]);
    }

    [Fact]
    public void Help_lists_every_command_option_default_and_environment_variable()
    {
        var (code, help) = Print("--help");
        Assert.Equal(0, code);
        Assert.Contains("Usage:\n  broadcaster [command] [options]", help);
        foreach (var command in Commands)
        {
            Assert.Matches(new Regex($@"^  {command}\s+\S", RegexOptions.Multiline), help);
            Assert.Matches(new Regex($@"^\s*broadcaster {command}\b", RegexOptions.Multiline), help);
        }
        Assert.Matches(new Regex(@"^\s+--version\s", RegexOptions.Multiline), help);
        AssertListsOptionsAndEnvironment(help);
        // The unlisted help and version commands stay out of it.
        Assert.DoesNotMatch(new Regex(@"^  (help|version)\s", RegexOptions.Multiline), help);
    }

    [Fact]
    public void Short_option_and_help_command_print_the_same_help()
    {
        var help = Print("--help").Output;
        Assert.Equal(help, Print("-h").Output);
        Assert.Equal((0, help), Print("help"));
    }

    [Theory]
    [InlineData("serve", "Serve WebSockets and the HTTP API")]
    [InlineData("check", "Validate the configuration")]
    [InlineData("restart", "Rolling restart of every node")]
    [InlineData("status", "The cluster's nodes")]
    [InlineData("probe", "Exit 0 when the node at --host/--port is ready")]
    public void Each_command_has_its_own_help(string command, string description)
    {
        var (code, help) = Print(command, "--help");
        Assert.Equal(0, code);
        Assert.StartsWith($"Description:\n  {description}", help);
        Assert.Contains($"Usage:\n  broadcaster {command} [options]", help);
        AssertListsOptionsAndEnvironment(help);
        Assert.DoesNotContain("Commands:", help);
    }

    [Fact]
    public void Help_asked_for_beside_a_mistake_is_still_help()
    {
        var (code, help) = Print("status", "--bogus", "--help");
        Assert.Equal(0, code);
        Assert.Contains("broadcaster status [options]", help);
    }

    [Fact]
    public void Version_option_and_command_print_the_informational_version()
    {
        Assert.Equal((0, Program.Version + Environment.NewLine), Print("--version"));
        Assert.Equal((0, Program.Version + Environment.NewLine), Print("version"));
    }

    [Theory]
    [InlineData("'serv'", "serv")]
    [InlineData("'b'", "--seed", "a:1", "b")]
    [InlineData("'true'", "serve", "--debug", "true")]
    [InlineData("'/?'", "/?")]
    [InlineData("'[status]'", "[status]", "check")]
    [InlineData("--port", "check", "--port", "6001", "--port", "6002")]
    [InlineData("--version", "--version", "--port", "6001")]
    public void Parse_errors_are_configuration_errors_that_point_at_help(string named, params string[] args)
    {
        var e = Assert.Throws<SettingsException>(() => CommandLine.Parse(args));
        Assert.Contains(named, e.Message);
        Assert.EndsWith("Run with --help for the list of commands and options.", e.Message);
    }

    [Fact]
    public void Values_may_follow_an_equals_sign()
    {
        var cli = CommandLine.Parse(["check", "--port=6101", "--cluster-port=4101", "--seed=a:1", "--seed", "b:2", "--host=127.0.0.1"]);
        Assert.Equal(("check", 6101, 4101, "127.0.0.1"), (cli.Command, cli.Port, cli.ClusterPort, cli.Host));
        Assert.Equal(["a:1", "b:2"], cli.Seeds);
    }

    [Theory]
    [InlineData(0, "--help")]
    [InlineData(0, "status", "--help")]
    [InlineData(0, "--version")]
    [InlineData(2, "serv")]
    [InlineData(2, "status", "--bogus")]
    [InlineData(2, "probe", "--port")]
    [InlineData(2, "serve", "--port", "65536")]
    public async Task Exit_codes_of_help_version_and_parse_errors(int expected, params string[] args)
    {
        Assert.Equal(expected, await Program.Main(args));
    }
}
