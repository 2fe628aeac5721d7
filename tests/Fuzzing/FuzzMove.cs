namespace Broadcaster.Fuzzing;

/// <summary>Bytes a fuzzed client writes at once (a frame, several, or garbage), and what they are, for the failure message.</summary>
public sealed record FuzzMove(string Description, byte[] Bytes)
{
    public override string ToString() => Description;
}
