using System.CommandLine;
using System.Text.Json.Nodes;
using LLaDAV.Eval.Cli.Hosting;
using LLaDAV.Eval.Data;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Models.Backends;
using LLaDAV.Eval.Models.Demo;
using LLaDAV.Eval.Models.Tokenization;
using LLaDAV.Eval.Running;
using LLaDAV.Eval.Tasks;

namespace LLaDAV.Eval.Cli.Commands;

/// <summary>
/// <c>lladav-eval render --model lladav|llama3v --task T --doc N</c>: the exact prompt text and ids a backend will
/// see for one document (issue 5 item 3), so users can check prompt parity with the Python evaluation. Loads only
/// the tokenizer, never the weights, and never decodes media.
/// </summary>
internal static class RenderCommand
{
    private static readonly Option<string> s_model = new("--model") { Description = "lladav or llama3v.", Required = true };
    private static readonly Option<string?> s_modelArgs = new("--model-args") { Description = "path=DIR of the checkpoint (default: the demo checkpoint)." };
    private static readonly Option<string> s_task = new("--task") { Description = "Task name, e.g. mmmu_val.", Required = true };
    private static readonly Option<int> s_doc = new("--doc") { Description = "Document index in the task's split (doc_id).", DefaultValueFactory = _ => 0 };
    private static readonly Option<string?> s_genKwargs = new("--gen-kwargs") { Description = "Generation settings k=v,... (e.g. think_mode=think)." };
    private static readonly Option<string?> s_dataDir = new("--data-dir") { Description = "Folder of HF dataset snapshots (default: HF cache, else the embedded sample)." };
    private static readonly Option<string?> s_tasksDir = new("--tasks-dir") { Description = "Tasks folder (default: tasks/ of the checkout)." };
    private static readonly Option<bool> s_json = new("--json") { Description = "Print one JSON object {task, doc_id, context, prompt, ids}." };

    public static Command Create()
    {
        var command = new Command("render", "Print the exact prompt text and token ids a model sees for one task document.");
        foreach (var o in new Option[] { s_model, s_modelArgs, s_task, s_doc, s_genKwargs, s_dataDir, s_tasksDir, s_json, CliHost.Verbose })
        {
            command.Options.Add(o);
        }

        command.SetAction((parse, ct) => CliHost.GuardAsync(parse, async output =>
        {
            var model = parse.GetValue(s_model)!;
            var family = model switch
            {
                "lladav" => LlavaFamily.LladaV,
                "llama3v" => LlavaFamily.Llama3V,
                _ => throw new ConfigException($"--model '{model}' has no prompt template; render knows lladav and llama3v."),
            };
            var catalog = Workspace.Catalog(parse.GetValue(s_tasksDir));
            var task = catalog.Expand([parse.GetValue(s_task)!]).Single();
            var dataDir = parse.GetValue(s_dataDir);
            var data = DatasetLocator.ForRun(dataDir, Workspace.Readers).Locate(task.Spec);
            var documents = new TaskDocuments(Workspace.Readers);
            var docId = parse.GetValue(s_doc);
            var doc = documents.Read(task, data, ct).Where(d => d.Id == docId).Select(d => d.Doc).FirstOrDefault()
                ?? throw new DataException($"Task '{task.Name}' has no doc {docId} in {data.Root}.");

            var kwargs = PromptKwargsResolver.Resolve(task.Spec.SpecificKwargs, model);
            var config = new RunConfig { Tasks = [task.Name], Model = model, GenKwargs = parse.GetValue(s_genKwargs) ?? "" };
            var settings = GenerationSettings.From(RunPlanner.GenerationKwargsFor(task, config, model), family);
            var context = task.DocToText(doc, kwargs);
            var visuals = task.DocToVisual(doc, kwargs).Count;
            var directory = KeyValueList.Parse(parse.GetValue(s_modelArgs), "--model-args").GetValueOrDefault("path") is { } p && p != "demo"
                ? p
                : DemoCheckpoint.Ensure(family);
            var (prompt, ids) = PromptRendering.Render(family, HfTokenizer.Load(directory), context, visuals, settings);
            if (parse.GetValue(s_json))
            {
                var node = new JsonObject
                {
                    ["task"] = task.Name,
                    ["doc_id"] = docId,
                    ["visuals"] = visuals,
                    ["context"] = context,
                    ["prompt"] = prompt,
                    ["ids"] = new JsonArray([.. ids.Select(i => (JsonNode?)JsonValue.Create(i))]),
                };
                await output.WriteLineAsync(node.ToJsonString(Running.JsonOutput.Compact)).ConfigureAwait(false);
                return 0;
            }

            await output.WriteLineAsync($"# {task.Name} doc {docId} for {model} ({Errors.Terminal.Escape(directory)}); {visuals} visual(s); {data.Source.ToString().ToLowerInvariant()} data").ConfigureAwait(false);
            await output.WriteLineAsync("## prompt").ConfigureAwait(false);
            // The prompt is dataset text: its control characters are shown escaped, never sent to the terminal (issue 23 §6).
            await output.WriteLineAsync(Errors.Terminal.Escape(prompt, keepLayout: true)).ConfigureAwait(false);
            await output.WriteLineAsync($"## ids ({ids.Length}; -200 = image placeholder)").ConfigureAwait(false);
            await output.WriteLineAsync(string.Join(",", ids)).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }
}
