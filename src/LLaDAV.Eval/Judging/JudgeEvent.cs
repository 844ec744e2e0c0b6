namespace LLaDAV.Eval.Judging;

/// <summary>What the judge is doing, for the progress view (issue 14 §3: judge waits are shown, not silent).</summary>
public enum JudgeEventKind
{
    /// <summary>A request has been waiting longer than <see cref="JudgeOptions.SlowRequestNotice"/>.</summary>
    Waiting,

    /// <summary>One attempt failed; another follows after a pause.</summary>
    Retrying,

    /// <summary>A prompt failed every attempt: its sample is left unscored.</summary>
    Failed,

    /// <summary>The breaker opened: later prompts fail at once, without a request.</summary>
    CircuitOpen,
}

/// <param name="Attempt">1-based attempt of the current prompt.</param>
/// <param name="Message">One line for the user: what is waited for, or why it failed.</param>
public sealed record JudgeEvent(JudgeEventKind Kind, int Attempt, int MaxAttempts, string Message);
