using System.Text.Json.Nodes;

namespace LLaDAV.Eval.Cli.Serving;

/// <summary>
/// An error answered in OpenAI's shape, <c>{"error": {"message", "type", "param", "code"}}</c> with its HTTP status
/// (OpenAI API reference, "Error codes"; the openai SDKs map 400 → BadRequestError, 401 → AuthenticationError,
/// 404 → NotFoundError, 413/other 4xx → APIError, 500 → InternalServerError from the status alone).
/// </summary>
internal sealed record ApiError(int Status, string Message, string Type, string? Param = null, string? Code = null)
{
    public static ApiError BadRequest(string message, string? param = null, string? code = null) =>
        new(400, message, "invalid_request_error", param, code);

    public static ApiError Server(string message) => new(500, message, "server_error");

    public JsonObject ToJson() => new()
    {
        ["error"] = new JsonObject
        {
            ["message"] = Message,
            ["type"] = Type,
            ["param"] = Param,
            ["code"] = Code,
        },
    };
}

/// <summary>A request refused while it is read or parsed; the server answers <see cref="Error"/>.</summary>
internal sealed class ApiErrorException(ApiError error) : Exception(error.Message)
{
    public ApiError Error { get; } = error;
}
