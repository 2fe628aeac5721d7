using System.Text.RegularExpressions;
using Akka.Configuration;

namespace Broadcaster.Node.Configuration;

/// <summary>
/// Reads <c>broadcaster.cluster.discovery</c> and its environment variables, and refuses combinations that could not
/// form a cluster (or could form two): seeds beside a bootstrap method, a config method without endpoints, a dns
/// method that does not say how many nodes must answer.
/// </summary>
internal static partial class DiscoveryLoader
{
    private const string Path = "broadcaster.cluster.discovery";

    public static readonly string[] Keys =
        ["method", "service-name", "endpoints", "required-contact-points", "management-hostname", "management-port"];

    public static DiscoveryOptions Load(Config config, Func<string, string?> env, IReadOnlyCollection<string> seeds)
    {
        OptionsLoader.CheckKeys(config, Path, Keys);
        var methodFromEnv = env("BROADCASTER_DISCOVERY_METHOD");
        var methodName = methodFromEnv ?? config.GetString($"{Path}.method") ?? "seeds";
        var method = methodName.Trim().ToLowerInvariant() switch
        {
            "seeds" => DiscoveryMethod.Seeds,
            "config" => DiscoveryMethod.Config,
            "dns" => DiscoveryMethod.Dns,
            _ => throw new SettingsException($"{(methodFromEnv is null ? $"{Path}.method" : "BROADCASTER_DISCOVERY_METHOD")}: '{methodName}' is not a discovery method (seeds, config, dns)"),
        };
        var endpoints = env("BROADCASTER_DISCOVERY_ENDPOINTS") is { } list
            ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : StringList(config, $"{Path}.endpoints");
        foreach (var endpoint in endpoints)
        {
            if (!IsHostPort(endpoint)) throw new SettingsException($"{Path}.endpoints: '{endpoint}' is not host:port");
        }
        var serviceFromEnv = env("BROADCASTER_DISCOVERY_SERVICE_NAME");
        var serviceName = serviceFromEnv ?? config.GetString($"{Path}.service-name") ?? "";
        if (!ServiceNamePattern().IsMatch(serviceName))
            throw new SettingsException($"{(serviceFromEnv is null ? $"{Path}.service-name" : "BROADCASTER_DISCOVERY_SERVICE_NAME")}: '{serviceName}' is not a DNS name (letters, digits, '-' and '.')");
        var required = Int(config, env, "BROADCASTER_DISCOVERY_REQUIRED_CONTACT_POINTS", $"{Path}.required-contact-points", 0, int.MaxValue);
        // The port is part of the contact point other nodes probe and this node recognizes itself by: never picked at random.
        var port = Int(config, env, "BROADCASTER_MANAGEMENT_PORT", $"{Path}.management-port", 1, 65535);

        if (method != DiscoveryMethod.Seeds && seeds.Count > 0)
            throw new SettingsException($"broadcaster.cluster.seeds: a seed list is for discovery method seeds; with method {Name(method)} " +
                                        $"the nodes find each other (remove the seeds, or set {Path}.method = seeds)");
        if (method != DiscoveryMethod.Config && endpoints.Count > 0)
            throw new SettingsException($"{Path}.endpoints: endpoints are for discovery method config, not {Name(method)}");
        switch (method)
        {
            case DiscoveryMethod.Config when endpoints.Count == 0:
                throw new SettingsException($"{Path}.endpoints: discovery method config needs the management endpoint (host:port) of every node");
            case DiscoveryMethod.Config when required > endpoints.Count:
                throw new SettingsException($"{Path}.required-contact-points: {required} is more than the {endpoints.Count} endpoints listed");
            case DiscoveryMethod.Config when required == 0:
                required = endpoints.Count;
                break;
            case DiscoveryMethod.Dns when required == 0:
                // DNS only lists the nodes already running: a node that started alone would otherwise form a cluster of its own.
                throw new SettingsException($"{Path}.required-contact-points: discovery method dns needs the number of nodes the cluster starts with (e.g. 3)");
        }
        return new DiscoveryOptions
        {
            Method = method,
            ServiceName = serviceName,
            Endpoints = endpoints.ToList(),
            RequiredContactPoints = required,
            ManagementHostname = env("BROADCASTER_MANAGEMENT_HOSTNAME") ?? config.GetString($"{Path}.management-hostname") ?? "",
            ManagementPort = port,
        };
    }

    /// <summary>"host:port" with a port of 1..65535 (an IPv6 host in brackets).</summary>
    internal static bool IsHostPort(string value)
    {
        var colon = value.LastIndexOf(':');
        return colon > 0 && int.TryParse(value[(colon + 1)..], out var port) && port is >= 1 and <= 65535;
    }

    internal static string Name(DiscoveryMethod method) => method.ToString().ToLowerInvariant();

    /// <summary>A plain string would read as an empty list, as with the seeds.</summary>
    private static IReadOnlyList<string> StringList(Config config, string path)
    {
        var value = config.GetValue(path);
        if (value is null) return [];
        if (value.IsString() || value.IsObject())
            throw new SettingsException($"{path}: expected a list such as [\"10.0.0.1:8558\", \"10.0.0.2:8558\"]");
        return config.GetStringList(path)?.ToList() ?? [];
    }

    /// <summary>The environment variable when set, else the file's value; an error names whichever was wrong.</summary>
    private static int Int(Config config, Func<string, string?> env, string variable, string path, int min, int max)
    {
        var fromEnv = env(variable);
        var name = fromEnv is null ? path : variable;
        var text = fromEnv ?? config.GetString(path);
        if (!int.TryParse(text, out var value)) throw new SettingsException($"{name}: '{text}' is not a whole number");
        if (value < min || value > max) throw new SettingsException($"{name}: {value} is out of range ({min}..{(max == int.MaxValue ? "" : max)})");
        return value;
    }

    [GeneratedRegex("^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$")]
    private static partial Regex ServiceNamePattern();
}
