using System.Runtime.CompilerServices;

namespace Broadcaster.Actors.Tests.Support;

/// <summary>
/// Many actor systems share the thread pool in this test process, and the tests wait on asks synchronously: with the
/// pool's default minimum (one thread per core) a burst of blocked test threads starves the actors until the pool
/// grows, which it does slowly. A higher minimum keeps the actors running while tests wait.
/// </summary>
internal static class ThreadPoolWarmup
{
    [ModuleInitializer]
    internal static void Raise()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), io);
    }
}
