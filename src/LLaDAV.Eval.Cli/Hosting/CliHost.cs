using System.CommandLine;
using LLaDAV.Eval.Errors;

namespace LLaDAV.Eval.Cli.Hosting;

/// <summary>
/// Runs a verb's body with the CLI's error contract (DESIGN.md §7): a user error prints one sentence and exits 2
/// (usage/config) or 3 (data/checkpoint/media); a stack trace only with --verbose.
/// </summary>
internal static class CliHost
{
    public static readonly Option<bool> Verbose = new("--verbose") { Description = "Print stack traces for errors.", Recursive = true };

    public static async Task<int> GuardAsync(ParseResult parse, Func<TextWriter, Task<int>> body)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        try
        {
            return await body(output).ConfigureAwait(false);
        }
        catch (EvalException e)
        {
            await Report(error, e, parse).ConfigureAwait(false);
            return e.ExitCode;
        }
        catch (Models.Backends.ModelArgsException e)
        {
            await Report(error, e, parse).ConfigureAwait(false);
            return 2;
        }
        catch (Exception e) when (IsUserError(e))
        {
            await Report(error, e, parse).ConfigureAwait(false);
            return 3;
        }
        catch (OperationCanceledException)
        {
            await error.WriteLineAsync("Cancelled. Finished samples are in the run's journal; continue with --resume.").ConfigureAwait(false);
            return 130;
        }
    }

    /// <summary>
    /// Typed errors of the lower layers, which cannot derive from <see cref="EvalException"/> (they do not depend on
    /// the pipeline), are user errors too: a bad image, checkpoint, tokenizer or Parquet file, or no usable GPU: exit 3.
    /// </summary>
    private static bool IsUserError(Exception e) =>
        e is Media.MediaException or Models.Checkpoints.CheckpointException or Models.Tokenization.TokenizerException
            or Parquet.ParquetFormatException or Models.Tensors.Cuda.CudaUnavailableException;

    private static async Task Report(TextWriter error, Exception e, ParseResult parse)
    {
        await error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
        if (parse.GetValue(Verbose))
        {
            await error.WriteLineAsync(e.ToString()).ConfigureAwait(false);
        }
    }
}
