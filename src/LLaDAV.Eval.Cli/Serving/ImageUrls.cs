using System.Runtime.InteropServices;
using LLaDAV.Eval.Media;
using LLaDAV.Eval.Media.Images;

namespace LLaDAV.Eval.Cli.Serving;

/// <summary>
/// Decodes an <c>image_url</c>: a base64 <c>data:image/...;base64,</c> URL (what the openai SDKs and lmms-eval's
/// openai model send), or a <c>file://</c> URL, read only when serve was started with <c>--allow-file-root DIR</c> and
/// only when the file, with every symlink followed, lies under DIR: a served model must not read arbitrary files of
/// the machine for whoever can reach its port. http(s) URLs are refused: the server fetches nothing (no SSRF). Decoding
/// is bounded by the project's caps (<see cref="InputLimits"/>: LLADAV_MAX_IMAGE_BYTES per image, LLADAV_MAX_PIXELS
/// checked from the header before pixels are allocated).
/// </summary>
internal static partial class ImageUrls
{
    public static RgbImage Load(string url, string param, string? fileRoot)
    {
        ArgumentNullException.ThrowIfNull(url);
        try
        {
            if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
            {
                return ImageDecoder.Decode(DataUrlBytes(url, param));
            }

            if (url.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
            {
                return ImageDecoder.DecodeFile(ConfinedPath(url, param, fileRoot));
            }
        }
        catch (MediaException e)
        {
            throw new ApiErrorException(ApiError.BadRequest($"The image at '{param}' could not be decoded: {e.Message}", param, "invalid_image"));
        }

        throw new ApiErrorException(ApiError.BadRequest(
            $"'{param}' must be a data: URL (data:image/png;base64,...) or a file:// URL; this server does not download images from the network.", param, "invalid_image_url"));
    }

    private static byte[] DataUrlBytes(string url, string param)
    {
        var comma = url.IndexOf(',', StringComparison.Ordinal);
        var header = comma < 0 ? "" : url[5..comma];
        if (comma < 0 || !header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase) || !header.StartsWith("image/", StringComparison.OrdinalIgnoreCase))
        {
            throw new ApiErrorException(ApiError.BadRequest($"'{param}' must be a base64 image data URL: data:image/<type>;base64,<data>.", param, "invalid_image_url"));
        }

        var data = url.AsSpan(comma + 1);
        var bytes = new byte[data.Length / 4 * 3 + 3];
        if (!Convert.TryFromBase64Chars(data, bytes, out var written))
        {
            throw new ApiErrorException(ApiError.BadRequest($"'{param}': the data URL's payload is not valid base64.", param, "invalid_image_url"));
        }

        return bytes[..written];
    }

    private static string ConfinedPath(string url, string param, string? fileRoot)
    {
        if (fileRoot is null)
        {
            throw new ApiErrorException(ApiError.BadRequest(
                $"'{param}' is a file:// URL, which this server refuses: start serve with --allow-file-root DIR to let callers name image files under DIR, or send the image as a data: URL.", param, "file_url_refused"));
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !uri.IsFile || !(uri.Host.Length == 0 || uri.Host == "localhost"))
        {
            throw new ApiErrorException(ApiError.BadRequest($"'{param}' is not a local file URL (file:///absolute/path).", param, "invalid_image_url"));
        }

        var resolved = RealPath(uri.LocalPath);
        var root = fileRoot.EndsWith('/') ? fileRoot : fileRoot + "/";
        if (resolved is null || !resolved.StartsWith(root, StringComparison.Ordinal))
        {
            // One message for "missing" and "outside": a caller learns nothing about files outside the root.
            throw new ApiErrorException(ApiError.BadRequest($"'{param}' names no readable file under the server's --allow-file-root.", param, "file_url_refused"));
        }

        return resolved;
    }

    /// <summary>The absolute path with every symlink and <c>..</c> resolved (POSIX realpath(3)), or null when it does not exist.</summary>
    public static string? RealPath(string path)
    {
        var resolved = NativeRealPath(path, IntPtr.Zero);
        if (resolved == IntPtr.Zero)
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            NativeFree(resolved);
        }
    }

    [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial IntPtr NativeRealPath(string path, IntPtr resolved);

    [LibraryImport("libc", EntryPoint = "free")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial void NativeFree(IntPtr pointer);
}
