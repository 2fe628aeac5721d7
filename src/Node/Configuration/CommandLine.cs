using System.CommandLine;

namespace Broadcaster.Node.Configuration;

/// <summary>
/// The command and the flags given on the command line, as <see cref="OptionsLoader"/> merges them; an option not
/// given is null, so the environment and the file decide. <see cref="CommandLineSyntax"/> does the parsing.
/// </summary>
public sealed record CommandLine(string Command, string? Host, int? Port, string? ConfigFile, bool Debug)
{
    public int? ClusterPort { get; init; }

    /// <summary>Seeds given with <c>--seed host:port</c> (repeatable).</summary>
    public IReadOnlyList<string> Seeds { get; init; } = [];

    /// <summary><c>clean --days N</c>; null: the configured retention.</summary>
    public int? Days { get; init; }

    public static CommandLine Parse(IReadOnlyList<string> args) => From(CommandLineSyntax.Parse(args));

    public static CommandLine From(ParseResult parsed)
    {
        if (parsed.Errors.Count > 0) throw new SettingsException(CommandLineSyntax.Describe(parsed.Errors));
        var command = parsed.CommandResult.Command;
        return new CommandLine(command is RootCommand ? "serve" : command.Name,
            parsed.GetValue(CommandLineSyntax.Host), parsed.GetValue(CommandLineSyntax.Port),
            parsed.GetValue(CommandLineSyntax.Config), parsed.GetValue(CommandLineSyntax.Debug))
        {
            ClusterPort = parsed.GetValue(CommandLineSyntax.ClusterPort),
            Seeds = parsed.GetValue(CommandLineSyntax.Seed) ?? [],
            Days = command.Name == "clean" ? parsed.GetValue(CommandLineSyntax.Days) : null,
        };
    }
}
