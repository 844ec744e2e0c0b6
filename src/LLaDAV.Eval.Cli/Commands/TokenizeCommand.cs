using System.CommandLine;
using LLaDAV.Eval.Models.Tokenization;

namespace LLaDAV.Eval.Cli.Commands;

/// <summary>
/// <c>lladav-eval tokenize --tokenizer DIR (--text TEXT | --file FILE) [--json] [--add-special-tokens]</c>: prints the
/// ids of a text. The work is <see cref="TokenizeTool"/>; this file only maps options and errors to exit codes
/// (docs/ARCHITECTURE.md §7: 2 for usage, 3 for a bad checkpoint/tokenizer).
/// </summary>
internal static class TokenizeCommand
{
    public static Command Create()
    {
        var tokenizer = new Option<string>("--tokenizer")
        {
            Description = "Folder holding tokenizer.json (and optionally tokenizer_config.json), e.g. a checkpoint folder.",
            Required = true,
        };
        var text = new Option<string?>("--text") { Description = "The text to tokenize." };
        var file = new Option<FileInfo?>("--file") { Description = "A UTF-8 file whose whole content is tokenized." };
        var json = new Option<bool>("--json") { Description = "Print {\"ids\": [...]} instead of space-separated ids." };
        var addSpecialTokens = new Option<bool>("--add-special-tokens")
        {
            Description = "Run the tokenizer's post-processor (e.g. add BOS). Special tokens written in the text are always matched.",
        };

        var command = new Command("tokenize", "Print the token ids of a text with a Hugging Face tokenizer.");
        command.Options.Add(tokenizer);
        command.Options.Add(text);
        command.Options.Add(file);
        command.Options.Add(json);
        command.Options.Add(addSpecialTokens);
        command.Validators.Add(result =>
        {
            if ((result.GetValue(text) is null) == (result.GetValue(file) is null))
            {
                result.AddError("Give exactly one of --text or --file.");
            }
        });

        command.Options.Add(Hosting.CliHost.Verbose);
        command.SetAction((ParseResult r, CancellationToken ct) => Hosting.CliHost.GuardToolAsync(r, output =>
        {
            string input;
            if (r.GetValue(file) is { } path)
            {
                input = path.Exists
                    ? File.ReadAllText(path.FullName)
                    : throw new ArgumentException($"Input file not found: {path.FullName}. Give an existing file to --file.");
            }
            else
            {
                input = r.GetValue(text)!;
            }

            output.WriteLine(TokenizeTool.Run(r.GetValue(tokenizer)!, input, r.GetValue(addSpecialTokens), r.GetValue(json)));
            return 0;
        }));

        return command;
    }
}
