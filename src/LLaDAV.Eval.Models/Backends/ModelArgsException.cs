namespace LLaDAV.Eval.Models.Backends;

/// <summary>
/// A backend setting the user gave (a <c>--model-args</c> value, a generation setting) that the backend cannot use:
/// the one exception family of backend validation. The run's settings check turns each into a line of its one
/// <c>ConfigException</c>; the CLI exits 2 (usage) on it.
/// </summary>
public abstract class BackendSettingException(string message) : ArgumentException(message);

/// <summary>A <c>--model-args</c> value the backend cannot use; the message names the key, the value and what is accepted.</summary>
public sealed class ModelArgsException(string message) : BackendSettingException(message);
