using System.Text.Json.Nodes;
using LLaDAV.Eval.Tasks.Hooks;

namespace LLaDAV.Eval.Judging;

/// <summary>
/// How task hooks ask the configured judge: through the template-aware path when the judge has one (cache keyed by
/// template and input), else with the rendered text. Exceptions other than <see cref="JudgeException"/> are
/// wrapped so the caller records a judge failure rather than crashing or silently falling back.
/// </summary>
public static class JudgeCalls
{
    /// <summary>The judge's answer, or the failure message (never both).</summary>
    public static JudgeAnswer Ask(IAnswerJudge judge, JudgePrompt prompt, CancellationToken cancellationToken = default)
    {
        try
        {
            var text = judge is ITemplatedAnswerJudge templated
                ? templated.Complete(prompt, cancellationToken)
                : judge.Complete(prompt.Render(), cancellationToken);
            return new JudgeAnswer(text, null) { Model = judge.Model, Prompt = prompt };
        }
        catch (JudgeException e)
        {
            return new JudgeAnswer(null, e.Message) { Model = judge.Model, Prompt = prompt };
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TimeoutException or FormatException or InvalidOperationException)
        {
            return new JudgeAnswer(null, $"{e.GetType().Name}: {e.Message}") { Model = judge.Model, Prompt = prompt };
        }
    }
}

/// <summary>A judge's reply (<see cref="Text"/>) or why there is none (<see cref="Error"/>).</summary>
public sealed record JudgeAnswer(string? Text, string? Error)
{
    public bool Failed => Error is not null;

    public string? Model { get; init; }

    public JudgePrompt? Prompt { get; init; }

    /// <summary>
    /// What a sample record keeps about the judge call (provenance per score): judge model, template name and
    /// hash, input hash, and the reply or the error.
    /// </summary>
    public JsonObject Provenance() => new()
    {
        ["model"] = Model,
        ["template"] = Prompt?.TemplateName,
        ["template_sha256"] = Prompt?.TemplateHash,
        ["input_sha256"] = Prompt?.InputHash,
        ["reply"] = Text,
        ["error"] = Error,
    };
}

/// <summary>A judge that can key its cache by prompt template and input (see <see cref="JudgePrompt"/>).</summary>
public interface ITemplatedAnswerJudge : IAnswerJudge
{
    string Complete(JudgePrompt prompt, CancellationToken cancellationToken);
}
