using System.Globalization;

namespace LLaDAV.Eval.Media;

/// <summary>
/// The one place for the caps on what the tool reads from data (issue 23 §3): every read of a data file, line,
/// response body or YAML tree stops at a limit instead of growing until the machine runs out of memory. Each limit
/// is raised (or lowered) with its environment variable, which launch workers and Slurm array tasks inherit; a value
/// that is not a positive integer is a usage error naming the variable. README "Input limits" lists them.
/// </summary>
public sealed record InputLimits
{
    /// <summary>An image file or inline image (bytes): 256 MiB; the largest benchmark images are a few MB.</summary>
    public long MaxImageBytes { get; init; } = 256L << 20;

    /// <summary>A whole-file read of a small data file (task YAML, eval.yaml, JSON state, judge cache entry): 16 MiB.</summary>
    public long MaxSmallFileBytes { get; init; } = 16L << 20;

    /// <summary>One line of a JSON Lines file (dataset split, replay responses, journal): 64 MiB.</summary>
    public long MaxLineBytes { get; init; } = 64L << 20;

    /// <summary>A judge's HTTP response body: 8 MiB (a verdict is a few hundred bytes).</summary>
    public long MaxResponseBytes { get; init; } = 8L << 20;

    /// <summary>
    /// Decoded pixels of one image: PIL's decompression-bomb error limit, 2 × <c>Image.MAX_IMAGE_PIXELS</c>
    /// (PIL 9.4 Image.py <c>_decompression_bomb_check</c>), so any image PIL opens is opened here.
    /// </summary>
    public long MaxPixels { get; init; } = 2L * 89_478_485;

    /// <summary>YAML nodes one file may expand to, aliases counted at every use (a billion-laughs file stops here): 200 000.</summary>
    public long MaxYamlNodes { get; init; } = 200_000;

    /// <summary>The environment variable of each limit, with its setter: the README table is generated from the same names.</summary>
    public static IReadOnlyList<(string Variable, Func<InputLimits, long> Get, Func<InputLimits, long, InputLimits> Set)> Variables { get; } =
    [
        ("LLADAV_MAX_IMAGE_BYTES", l => l.MaxImageBytes, (l, v) => l with { MaxImageBytes = v }),
        ("LLADAV_MAX_FILE_BYTES", l => l.MaxSmallFileBytes, (l, v) => l with { MaxSmallFileBytes = v }),
        ("LLADAV_MAX_LINE_BYTES", l => l.MaxLineBytes, (l, v) => l with { MaxLineBytes = v }),
        ("LLADAV_MAX_RESPONSE_BYTES", l => l.MaxResponseBytes, (l, v) => l with { MaxResponseBytes = v }),
        ("LLADAV_MAX_PIXELS", l => l.MaxPixels, (l, v) => l with { MaxPixels = v }),
        ("LLADAV_MAX_YAML_NODES", l => l.MaxYamlNodes, (l, v) => l with { MaxYamlNodes = v }),
    ];

    private static readonly Lazy<InputLimits> s_current = new(() => FromEnvironment(Environment.GetEnvironmentVariable));

    /// <summary>The limits of this process: the defaults, each overridden by its environment variable when set.</summary>
    public static InputLimits Current => s_current.Value;

    /// <summary>The limits read through <paramref name="lookup"/> (tests pass their own).</summary>
    public static InputLimits FromEnvironment(Func<string, string?> lookup)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        var limits = new InputLimits();
        foreach (var (variable, _, set) in Variables)
        {
            if (lookup(variable) is not { Length: > 0 } text)
            {
                continue;
            }

            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value <= 0)
            {
                throw new InputLimitException($"{variable}={text} is not a positive whole number of bytes (or nodes/pixels). Unset it for the default, or give e.g. {variable}={Variables.First(v => v.Variable == variable).Get(new InputLimits())}.", usage: true);
            }

            limits = set(limits, value);
        }

        return limits;
    }

    /// <summary>The sentence every cap error ends with: which variable raises it.</summary>
    public static string RaiseHint(string variable, long limit) =>
        string.Create(CultureInfo.InvariantCulture, $"The limit is {limit} ({variable}); if the input is genuine, raise it, e.g. {variable}={limit * 4}.");
}

/// <summary>A read stopped at an <see cref="InputLimits"/> cap, or a data path that is not a regular file (exit 3; 2 for a bad limit value).</summary>
public sealed class InputLimitException : Exception
{
    public InputLimitException()
    {
    }

    public InputLimitException(string message)
        : base(message)
    {
    }

    public InputLimitException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public InputLimitException(string message, bool usage)
        : base(message) => Usage = usage;

    /// <summary>True when the limit's own setting is wrong (a usage error), false when data exceeded it.</summary>
    public bool Usage { get; }
}
