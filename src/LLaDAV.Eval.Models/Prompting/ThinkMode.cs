namespace LLaDAV.Eval.Models.Prompting;

/// <summary>
/// The <c>think_mode</c> generation argument of the LLaDA-V lmms-eval wrapper: <c>" /no_think"</c> or <c>" /think"</c>
/// is appended to the user message (docs/LLADAV-MODEL.md §5.1, §7.2). <see cref="None"/> appends nothing (the AR baseline).
/// </summary>
public enum ThinkMode
{
    None,
    NoThink,
    Think,
}

/// <summary>Reads <c>think_mode</c> values and gives each mode's suffix.</summary>
public static class ThinkModes
{
    /// <summary><c>"think"</c> → <see cref="ThinkMode.Think"/>, <c>"no_think"</c> → <see cref="ThinkMode.NoThink"/>, null or empty → <see cref="ThinkMode.None"/>.</summary>
    /// <exception cref="ArgumentException">Any other value.</exception>
    public static ThinkMode Parse(string? value) => value switch
    {
        null or "" => ThinkMode.None,
        "think" => ThinkMode.Think,
        "no_think" => ThinkMode.NoThink,
        _ => throw new ArgumentException($"think_mode must be \"think\" or \"no_think\", not \"{value}\".", nameof(value)),
    };

    /// <summary>The text appended to the user message.</summary>
    public static string Suffix(this ThinkMode mode) => mode switch
    {
        ThinkMode.Think => " /think",
        ThinkMode.NoThink => " /no_think",
        _ => string.Empty,
    };
}
