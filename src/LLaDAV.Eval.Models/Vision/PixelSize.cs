namespace LLaDAV.Eval.Models.Vision;

/// <summary>A width × height pair in pixels, in PIL's <c>(width, height)</c> order.</summary>
public readonly record struct PixelSize(int Width, int Height)
{
    public override string ToString() => $"{Width}x{Height}";
}
