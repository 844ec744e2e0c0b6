using System.Globalization;

namespace LLaDAV.Eval.Models.Backends;

/// <summary>Parses <c>k=v,k=v</c> (the <c>--gen-kwargs</c> syntax) into typed scalars: long, double, bool, else string.</summary>
public static class GenerationKwargsText
{
    public static GenerationKwargs Parse(string? text)
    {
        var kwargs = GenerationKwargs.Empty;
        if (string.IsNullOrWhiteSpace(text))
        {
            return kwargs;
        }

        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new ArgumentException($"Generation kwarg '{part}' is not key=value.", nameof(text));
            }

            kwargs = kwargs.With(part[..eq].Trim(), Scalar(part[(eq + 1)..].Trim()));
        }

        return kwargs;
    }

    private static object Scalar(string v) =>
        long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l
        : double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d
        : bool.TryParse(v, out var b) ? b
        : v;
}
