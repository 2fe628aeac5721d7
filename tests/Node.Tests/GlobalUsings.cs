global using System.Text.Json;
global using Broadcaster.Node.Tests.Infrastructure;
global using Xunit;
