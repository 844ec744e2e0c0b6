namespace LLaDAV.Eval.Models.Backends;

/// <summary>A <c>--model-args</c> value the backend cannot use; the message names the key, the value and what is accepted.</summary>
public sealed class ModelArgsException(string message) : ArgumentException(message);
