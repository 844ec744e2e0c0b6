using System.Text.Json;
using LLaDAV.Eval.Errors;
using LLaDAV.Eval.Models.Backends;

namespace LLaDAV.Eval.Backends;

/// <summary>
/// <c>--model replay --model-args responses=FILE</c> (docs/ARCHITECTURE.md §4): answers each request with a response read from
/// JSON Lines <c>{"task", "doc_id", "response"}</c>, to re-score outputs produced elsewhere. Never touches media.
/// <c>responses</c> may be a glob (<c>tasks/*/sample/responses.jsonl</c>) or several paths joined by ';'.
/// <c>prompt_model=NAME</c> renders prompts with that model's <c>lmms_eval_specific_kwargs</c>.
/// </summary>
public sealed class ReplayBackend : IModelBackend, IRequestPreflight
{
    private readonly Dictionary<(string Task, int Doc), string> _responses;
    private readonly Dictionary<(string Task, int Doc), string> _where = [];

    public ReplayBackend(IReadOnlyList<string> files, string promptModel)
    {
        Name = promptModel;
        _responses = [];
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            var lineNumber = 0;
            // Bounded lines from a regular file: a FIFO or /dev/zero named as the responses must not block or grow (issue 23 §3).
            IEnumerable<string> lines;
            try
            {
                lines = Media.BoundedFile.ReadLines(file, "replay responses file").ToList();
            }
            catch (Exception e) when (e is Media.InputLimitException or IOException)
            {
                throw new DataException(e.Message, e);
            }

            foreach (var line in lines)
            {
                lineNumber++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                hash.AppendData(System.Text.Encoding.UTF8.GetBytes(line + "\n"));
                try
                {
                    using var doc = JsonDocument.Parse(line);
                    var root = doc.RootElement;
                    var task = root.GetProperty("task").GetString() ?? throw new KeyNotFoundException("task");
                    var docId = root.GetProperty("doc_id").GetInt32();
                    var response = root.GetProperty("response");
                    var text = response.ValueKind == JsonValueKind.Null ? "" : response.GetString() ?? "";
                    var where = $"{file}:{lineNumber}";
                    if (!_where.TryAdd((task, docId), where))
                    {
                        // One answer per document: which of two lines "wins" must not depend on file order (issue 23 §6).
                        throw new DataException($"{where}: a second response for task '{Errors.Terminal.Escape(task)}' doc_id {docId} (the first is at {_where[(task, docId)]}). Keep one line per (task, doc_id).");
                    }

                    _responses[(task, docId)] = text;
                }
                catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
                {
                    throw new DataException($"{file}:{lineNumber}: each line must be {{\"task\": str, \"doc_id\": int, \"response\": str}} ({e.Message}).", e);
                }
            }
        }

        Fingerprint = "replay:sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The prompt model name, used to pick <c>lmms_eval_specific_kwargs</c>.</summary>
    public string Name { get; }

    public string Fingerprint { get; }

    public void CheckKnown(TaskName task, int docCount)
    {
        var unknown = _where.Where(kv => kv.Key.Task == task.Value && (kv.Key.Doc < 0 || kv.Key.Doc >= docCount)).OrderBy(kv => kv.Key.Doc).ToList();
        if (unknown.Count > 0)
        {
            var shown = string.Join(", ", unknown.Take(5).Select(kv => $"doc_id {kv.Key.Doc} at {kv.Value}"));
            throw new DataException(
                $"The replay responses answer {unknown.Count} document(s) that task '{task}' does not have (its split has doc ids 0..{docCount - 1}): {shown}{(unknown.Count > 5 ? ", ..." : "")}. " +
                "The responses belong to another split or dataset revision; remove those lines or replay against the data they came from.");
        }
    }

    public void Check(TaskName task, IReadOnlyCollection<DocId> docs)
    {
        var missing = docs.Where(d => !_responses.ContainsKey((task.Value, d.Value))).ToList();
        if (missing.Count > 0)
        {
            var shown = string.Join(", ", missing.Take(10).Select(d => d.Value));
            throw new DataException(
                $"The replay responses have no response for {missing.Count} of {docs.Count} docs of task '{task}' (doc_id {shown}{(missing.Count > 10 ? ", ..." : "")}). " +
                "Add {\"task\", \"doc_id\", \"response\"} lines for them, or run with --limit.");
        }
    }

    public ValueTask<IReadOnlyList<GenerationResult>> GenerateAsync(IReadOnlyList<GenerationRequest> batch, CancellationToken cancellationToken)
    {
        var results = new List<GenerationResult>(batch.Count);
        foreach (var request in batch)
        {
            if (!_responses.TryGetValue((request.Task.Value, request.Doc.Value), out var text))
            {
                throw new DataException($"The replay responses have no response for task '{request.Task}' doc_id {request.Doc}.");
            }

            results.Add(new GenerationResult(text, TokenUsage.None, TimeSpan.Zero));
        }

        return ValueTask.FromResult<IReadOnlyList<GenerationResult>>(results);
    }

    public void Dispose()
    {
    }
}

/// <summary>Creates <see cref="ReplayBackend"/> from <c>responses=FILE|GLOB[;...]</c> and optional <c>prompt_model</c>.</summary>
public sealed class ReplayBackendFactory : IModelBackendFactory
{
    public string Name => "replay";

    public string Description => "re-scores responses from JSON Lines {task, doc_id, response} (model args: responses=FILE, prompt_model=NAME)";

    public IReadOnlyCollection<string> AcceptedArgs { get; } = ["prompt_model", "responses"];

    /// <summary>Replayed responses carry no model: re-scoring the embedded samples is how the scorers are tested.</summary>
    public bool MayUseSampleData(ModelArgs args) => true;

    /// <summary>Prompts are rendered as <c>prompt_model</c>'s (its lmms_eval_specific_kwargs), else as "replay".</summary>
    public string PromptModel(ModelArgs args) => args?.Get("prompt_model") ?? "replay";

    public void Validate(ModelArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        _ = Responses(args);
    }

    public IModelBackend Create(ModelArgs args, BackendContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        var spec = Responses(args);
        var files = new List<string>();
        foreach (var pattern in spec.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            // A relative path is the user's, from the folder they typed it in (as every other path flag); the checkout
            // is searched second, so repository-relative paths (tasks/<task>/sample/responses.jsonl) keep working.
            var cwd = Directory.GetCurrentDirectory();
            var matches = PathGlob.Expand(pattern, cwd);
            if (matches.Count == 0 && !Path.IsPathRooted(pattern))
            {
                matches = PathGlob.Expand(pattern, context.RepositoryRoot);
            }

            if (matches.Count == 0)
            {
                throw new DataException($"--model-args responses={pattern}: no such file (relative paths start at the working folder {cwd}, then at {context.RepositoryRoot}).");
            }

            files.AddRange(matches);
        }

        return new ReplayBackend(files, PromptModel(args));
    }

    private static string Responses(ModelArgs args) => args.Get("responses")
        ?? throw new ConfigException("--model replay needs --model-args responses=FILE (JSON Lines of {\"task\", \"doc_id\", \"response\"}).");
}
