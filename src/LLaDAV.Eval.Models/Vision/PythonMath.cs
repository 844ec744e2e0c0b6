namespace LLaDAV.Eval.Models.Vision;

/// <summary>Python's float operators where they differ from C#'s, for ported layout rules.</summary>
internal static class PythonMath
{
    /// <summary>
    /// Python's <c>a // b</c> on floats (CPython <c>float_floor_div</c>: <c>fmod</c>, subtract, divide, floor,
    /// then round up when the quotient is more than half a unit above its floor), not <c>Math.Floor(a / b)</c>,
    /// which can differ by one when <c>a / b</c> rounds up to an integer.
    /// </summary>
    public static double FloorDivide(double a, double b)
    {
        if (b == 0)
        {
            throw new DivideByZeroException("float floor division by zero");
        }

        var mod = a % b; // C# % on doubles is C fmod.
        var div = (a - mod) / b;
        if (mod != 0 && (b < 0) != (mod < 0))
        {
            div -= 1.0;
        }

        if (div == 0)
        {
            return Math.CopySign(0.0, a / b);
        }

        var floor = Math.Floor(div);
        if (div - floor > 0.5)
        {
            floor += 1.0;
        }

        return floor;
    }

    /// <summary>Python's <c>int(x)</c> on a float: truncation toward zero.</summary>
    public static int Truncate(double x) => checked((int)Math.Truncate(x));
}
