using System.Collections.Immutable;
using System.Text.Json.Nodes;

namespace LLaDAV.Eval.Running.LmmsEval;

/// <summary>
/// What lmms-eval's files record about the command line (lmms-eval 75571cf <c>__main__.py</c> <c>cli_evaluate_single</c>
/// → <c>evaluator.simple_evaluate</c>): the strings as typed, not our resolved settings.
/// </summary>
/// <param name="Model"><c>--model</c> as typed (e.g. <c>llava_onevision_llada</c>): <c>config.model</c>, <c>model_source</c>.</param>
/// <param name="ModelArgs"><c>--model_args</c> as typed (argparse default "").</param>
/// <param name="GenKwargs"><c>--gen_kwargs</c> as typed (argparse default "").</param>
/// <param name="BatchSize"><c>--batch_size</c>: the typed string (argparse <c>type=str</c>), else the int default 1.</param>
/// <param name="Device"><c>--device</c> (default None).</param>
/// <param name="Limit"><c>--limit</c> (argparse <c>type=float</c>, default None).</param>
/// <param name="NumFewshot"><c>--num_fewshot</c> (default None; only 0 is accepted here).</param>
/// <param name="Seeds"><c>--seed</c> after <c>_int_or_none_list_arg_type(3, 4, "0,1234,1234,1234")</c>: random, numpy, torch, fewshot.</param>
/// <param name="DateId"><c>utils.get_datetime_str(--timezone)</c>: <c>%Y%m%d_%H%M%S</c>.</param>
/// <param name="ResolvedCliArgs"><c>vars(args)</c>: every flag of lmms-eval's parser with its value (config.resolved_cli_args).</param>
/// <param name="StartTime">Monotonic seconds at start (<c>time.perf_counter()</c> in <c>GeneralConfigTracker.__init__</c>).</param>
/// <param name="LogSamples"><c>--log_samples</c> (or <c>--predict_only</c>): samples files and <c>task_hashes</c>.</param>
public sealed record LmmsEvalInvocation(
    string Model,
    string ModelArgs,
    string GenKwargs,
    JsonNode BatchSize,
    string? Device,
    double? Limit,
    int? NumFewshot,
    ImmutableArray<long?> Seeds,
    string DateId,
    JsonObject ResolvedCliArgs,
    double StartTime,
    bool LogSamples,
    string OutputPath,
    string? GitBranch,
    string ModelBackend);
