namespace LLaDAV.Eval.Models.Prompting;

/// <summary>One message of a conversation, as <c>apply_chat_template</c> receives it: <c>{"role", "content"}</c>.</summary>
public sealed record ChatTurn(string Role, string Content);
