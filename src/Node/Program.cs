using System.Reflection;
using Broadcaster.Node.Configuration;
using Broadcaster.Node.Hosting;

namespace Broadcaster.Node;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        CommandLine cli;
        BroadcasterOptions options;
        try
        {
            cli = CommandLine.Parse(args);
            switch (cli.Command)
            {
                case "help":
                    Console.WriteLine(CommandLine.Help);
                    return 0;
                case "version":
                    Console.WriteLine(Version);
                    return 0;
                case "serve":
                    break;
                default:
                    throw new SettingsException($"Unknown command '{cli.Command}'. Run with --help for the list of commands.");
            }
            options = OptionsLoader.Load(cli, Environment.GetEnvironmentVariables());
        }
        catch (SettingsException e)
        {
            Console.Error.WriteLine($"broadcaster: configuration error: {e.Message}");
            return 2;
        }

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
        await server.WaitForShutdownAsync();
        await server.StopAsync();
        return 0;
    }

    public static string Version =>
        typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

}
