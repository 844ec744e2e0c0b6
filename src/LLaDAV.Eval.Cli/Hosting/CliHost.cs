using System.CommandLine;
using System.Globalization;
using LLaDAV.Eval.Errors;

namespace LLaDAV.Eval.Cli.Hosting;

/// <summary>
/// Runs a verb's body with the CLI's error contract (docs/ARCHITECTURE.md "Errors and exit codes"); every verb goes through it: a user error prints one sentence and exits 2
/// (usage/config) or 3 (data/checkpoint/media); a stack trace only with --verbose/--debug. Anything else is a bug:
/// one line saying so, the run directory, and the file holding the full trace (issue 14 §2); exit 70 (EX_SOFTWARE).
/// </summary>
internal static class CliHost
{
    public static readonly Option<bool> Verbose = new("--verbose", "--debug") { Description = "Print stack traces for errors.", Recursive = true };

    /// <summary>sysexits.h EX_SOFTWARE: an internal error, distinct from the user-error codes 2 and 3.</summary>
    public const int BugExitCode = 70;

    /// <summary>
    /// The diagnostic verbs (forward, generate, sample, tokenize, bench, selftest) call the model layer's tools, which
    /// refuse bad input with <see cref="ArgumentException"/>, <see cref="FormatException"/> or
    /// <see cref="NotSupportedException"/>: there those are usage errors (exit 2), not bugs.
    /// </summary>
    public static Task<int> GuardToolAsync(ParseResult parse, Func<TextWriter, int> body) =>
        GuardAsync(parse, output => Task.FromResult(body(output)), toolInput: true);

    public static async Task<int> GuardAsync(ParseResult parse, Func<TextWriter, Task<int>> body) => await GuardAsync(parse, body, toolInput: false).ConfigureAwait(false);

    private static async Task<int> GuardAsync(ParseResult parse, Func<TextWriter, Task<int>> body, bool toolInput)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        Running.ActiveRun.Begin();
        try
        {
            return await body(output).ConfigureAwait(false);
        }
        catch (EvalException e)
        {
            await Report(error, e, parse).ConfigureAwait(false);
            return e.ExitCode;
        }
        catch (Models.Backends.BackendSettingException e)
        {
            await Report(error, e, parse).ConfigureAwait(false);
            return 2;
        }
        catch (Media.InputLimitException e)
        {
            await Report(error, e, parse).ConfigureAwait(false);
            return e.Usage ? 2 : 3;
        }
        catch (Exception e) when (toolInput && e is ArgumentException or FormatException or NotSupportedException)
        {
            await Report(error, e, parse).ConfigureAwait(false);
            return 2;
        }
        catch (ArgumentException e) when (e.ParamName == "path" && EmptyValues(parse) is { Count: > 0 } empty)
        {
            // Path.GetFullPath("") and friends: an empty file or folder flag (a shell variable that was not set) is the
            // user's input, not a bug; it used to end as "internal error" (exit 70) in every verb taking a path.
            await error.WriteLineAsync($"error: {string.Join(", ", empty)} {(empty.Count == 1 ? "is" : "are")} empty: give a file or folder path, or leave the flag out.").ConfigureAwait(false);
            if (Traces(parse))
            {
                await error.WriteLineAsync(e.ToString()).ConfigureAwait(false);
            }

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
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A full disk, a vanished mount, a permission change mid-run: the environment, not a bug. The journal holds
            // every sample finished before it (each record is written and fsynced whole), so --resume loses nothing.
            var dir = Running.ActiveRun.Directory;
            var resume = dir is null ? "" : $" Finished samples are kept; fix it (e.g. free disk space) and continue with: lladav-eval run --resume {dir}";
            // .NET's IO messages end with their own period ("... path '/x'."): one sentence, one period.
            await error.WriteLineAsync($"error: cannot read or write a file: {e.Message.TrimEnd('.')}.{resume}").ConfigureAwait(false);
            if (Traces(parse))
            {
                await error.WriteLineAsync(e.ToString()).ConfigureAwait(false);
            }

            return 3;
        }
        catch (Exception e)
        {
            await ReportBug(error, e, parse).ConfigureAwait(false);
            return BugExitCode;
        }
    }

    /// <summary>
    /// The options and arguments given an empty (or blank) value, by name: the verb's own, and the flags that
    /// <c>launch</c>/<c>submit slurm</c> forward to <c>run</c> unparsed (a flag followed by an empty token).
    /// </summary>
    internal static IReadOnlyList<string> EmptyValues(ParseResult parse)
    {
        var names = new List<string>();
        foreach (var child in parse.CommandResult.Children)
        {
            switch (child)
            {
                case System.CommandLine.Parsing.OptionResult o when o.Tokens.Any(t => string.IsNullOrWhiteSpace(t.Value)):
                    names.Add(o.Option.Name);
                    break;
                case System.CommandLine.Parsing.ArgumentResult a when a.Tokens.Any(t => string.IsNullOrWhiteSpace(t.Value)):
                    names.Add($"<{a.Argument.Name}>");
                    break;
            }
        }

        var unmatched = parse.UnmatchedTokens;
        for (var i = 1; i < unmatched.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(unmatched[i]) && unmatched[i - 1].StartsWith('-'))
            {
                names.Add(unmatched[i - 1]);
            }
        }

        return names;
    }

    /// <summary>--verbose/--debug, or lmms-eval's --verbosity DEBUG/TRACE (which re-raises with its traceback).</summary>
    private static bool Traces(ParseResult parse)
    {
        try
        {
            return parse.GetValue(Verbose) || (parse.CommandResult.Command.Name == "run" && Commands.LmmsEvalFlags.DebugVerbosity(parse));
        }
        catch (EvalException)
        {
            return parse.GetValue(Verbose);
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
        // Messages quote data (paths, fields, judge replies): their control characters are escaped (issue 23 §6).
        await error.WriteLineAsync($"error: {Errors.Terminal.Escape(e.Message, keepLayout: true)}").ConfigureAwait(false);
        if (Traces(parse))
        {
            await error.WriteLineAsync(e.ToString()).ConfigureAwait(false);
        }
    }

    /// <summary>One line on the console; the trace goes to a file (the run directory's crash-*.txt, else the temp folder).</summary>
    private static async Task ReportBug(TextWriter error, Exception e, ParseResult parse)
    {
        var dir = Running.ActiveRun.Directory;
        var name = string.Create(CultureInfo.InvariantCulture, $"crash-{DateTime.UtcNow:yyyyMMddTHHmmssZ}-{Environment.ProcessId}.txt");
        string? traceFile = null;
        foreach (var folder in new[] { dir, Path.GetTempPath() })
        {
            if (folder is null || !Directory.Exists(folder))
            {
                continue;
            }

            try
            {
                var path = Path.Combine(folder, folder == dir ? name : "lladav-eval-" + name);
                await File.WriteAllTextAsync(path, $"lladav-eval {string.Join(' ', Environment.GetCommandLineArgs().Skip(1))}\n{e}\n").ConfigureAwait(false);
                traceFile = path;
                break;
            }
            catch (Exception write) when (write is IOException or UnauthorizedAccessException)
            {
                // Try the next folder; the message below still says what happened.
            }
        }

        await error.WriteLineAsync(
            $"error: internal error (a bug in lladav-eval, please report it): {e.GetType().Name}: {e.Message}. " +
            $"Run directory: {dir ?? "(none yet)"}. Full trace: {traceFile ?? "(could not be written; rerun with --debug)"}.").ConfigureAwait(false);
        if (Traces(parse))
        {
            await error.WriteLineAsync(e.ToString()).ConfigureAwait(false);
        }
    }
}
