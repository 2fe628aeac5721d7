namespace Broadcaster.Bench.Measure;

/// <summary>
/// One figure of one run: which server (or server set-up) it was measured on, the case (a load, a size), what was
/// measured and its value. NaN with a <see cref="Note"/> when there is no figure (the server cannot do what is
/// measured, or it did not happen within the scenario's limit).
/// </summary>
public sealed record Measurement(string Server, string Case, string Measure, string Unit, double Value, string? Note = null)
{
    public static Measurement Missing(string server, string @case, string measure, string unit, string why) =>
        new(server, @case, measure, unit, double.NaN, why);
}
