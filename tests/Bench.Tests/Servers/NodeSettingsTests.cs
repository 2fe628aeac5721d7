using Broadcaster.Bench.Servers;

namespace Broadcaster.Bench.Tests.Servers;

public class NodeSettingsTests
{
    [Fact]
    public void A_node_with_a_dashboard_password_has_the_dashboard_on_and_one_without_has_none()
    {
        var on = new NodeSettings { DashboardPassword = "pw-long-enough" }.ToHocon("/tmp/s.db");
        Assert.Contains("dashboard { enabled = true, password = \"pw-long-enough\" }", on);
        Assert.Contains("database = \"/tmp/s.db\"", on);
        Assert.DoesNotContain("dashboard", new NodeSettings().ToHocon("/tmp/s.db"));
    }
}
