using System.Collections.Immutable;

namespace LLaDAV.Eval.Metrics;

/// <summary>
/// A rule of lmms-eval's own code that makes a correct answer impossible to score as correct. <c>--scoring current</c>
/// reproduces it (so scores equal lmms-eval's); the run counts the samples it decided and says so, which lmms-eval
/// itself does not (issue 17 §3).
/// </summary>
/// <param name="Id">Stable id written to the samples (<c>extraction.upstream_quirk</c>) and results.json.</param>
/// <param name="Description">What upstream does, naming its file and function.</param>
/// <param name="What">The plural noun of the summary line: "N {What} cannot score under ...".</param>
public sealed record UpstreamQuirk(string Id, string Description, string What)
{
    /// <summary>
    /// lmms-eval 75571cf <c>tasks/mmmu/utils.py</c> <c>mmmu_process_results</c> keeps <c>[str(parsed_pred[0])]</c>
    /// for open-ended questions (since 736454b5, 2025-06-23), and <c>evaluate_mmmu</c> → <c>eval_open</c> then
    /// iterates that string character by character: a one-character prediction never contains a normalised gold.
    /// </summary>
    public static UpstreamQuirk MmmuOpenCharacters { get; } = new(
        "mmmu.open_pred_characters",
        "lmms-eval tasks/mmmu/utils.py mmmu_process_results keeps [str(parsed_pred[0])] for open-ended questions; eval_open then compares the gold with each single character of that string, so no open-ended answer can score",
        "open-ended answers");

    /// <summary>
    /// lmms-eval 75571cf <c>tasks/mathvista/mathvista_evals.py</c> <c>normalize_extracted_answer</c> does
    /// <c>str(round(float(extraction), precision))</c> with the dataset's float <c>precision</c> column; Python's
    /// <c>round</c> refuses a float second argument and the bare <c>except</c> turns the answer into None.
    /// </summary>
    public static UpstreamQuirk MathvistaFloatPrecision { get; } = new(
        "mathvista.float_precision",
        "lmms-eval tasks/mathvista/mathvista_evals.py normalize_extracted_answer calls round(float(extraction), precision) with the dataset's float precision column; Python's round() rejects a float ndigits and the bare except makes the answer None, so no float answer can score",
        "float answers");

    public static ImmutableDictionary<string, UpstreamQuirk> All { get; } =
        new[] { MmmuOpenCharacters, MathvistaFloatPrecision }.ToImmutableDictionary(q => q.Id, StringComparer.Ordinal);
}
