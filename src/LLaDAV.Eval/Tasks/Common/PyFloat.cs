using System.Globalization;
using System.Numerics;
using System.Text;

namespace LLaDAV.Eval.Tasks.Common;

/// <summary>
/// Python's <c>float(str)</c> and <c>round(x, n)</c>, which the ported scorers rely on (docs/LMMS-EVAL.md §1.14 C/F,
/// §5 item 6): surrounding whitespace, a sign, digits with single underscores between them, an exponent,
/// <c>inf</c>/<c>infinity</c>/<c>nan</c> in any case.
/// </summary>
public static class PyFloat
{
    public static bool TryParse(string text, out double value)
    {
        value = 0;
        var s = PyStr.Strip(AsciiDigits(text));
        if (s.Length == 0)
        {
            return false;
        }

        var body = s.TrimStart('+', '-');
        if (s.Length - body.Length > 1)
        {
            return false;
        }

        var negative = s[0] == '-';
        switch (body.ToLowerInvariant())
        {
            case "inf" or "infinity":
                value = negative ? double.NegativeInfinity : double.PositiveInfinity;
                return true;
            case "nan":
                value = double.NaN;
                return true;
        }

        // Underscores are allowed only between digits (PEP 515).
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] == '_' && (i == 0 || i == body.Length - 1 || !char.IsAsciiDigit(body[i - 1]) || !char.IsAsciiDigit(body[i + 1])))
            {
                return false;
            }
        }

        body = body.Replace("_", "", StringComparison.Ordinal);
        foreach (var c in body)
        {
            if (!(char.IsAsciiDigit(c) || c is '.' or 'e' or 'E' or '+' or '-'))
            {
                return false;
            }
        }

        if (!body.Any(char.IsAsciiDigit) || body.StartsWith('e') || body.StartsWith('E'))
        {
            return false;
        }

        if (!double.TryParse(body, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var v))
        {
            return false;
        }

        value = negative ? -v : v;
        return true;
    }

    /// <summary>
    /// CPython's float() first maps every Unicode decimal digit (category Nd: full-width '１', Arabic-Indic '١',
    /// mathematical '𝟙') to its ASCII digit (<c>_PyUnicode_TransformDecimalAndSpaceToASCII</c>), so
    /// <c>float("１２")</c> is 12.0; other full-width characters ('．', '－') stay and make it fail.
    /// </summary>
    private static string AsciiDigits(string text)
    {
        if (text.All(char.IsAscii))
        {
            return text;
        }

        var sb = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) == UnicodeCategory.DecimalDigitNumber)
            {
                sb.Append((char)('0' + (int)Rune.GetNumericValue(rune)));
            }
            else
            {
                sb.Append(rune.ToString());
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// <c>round(x, digits)</c> for digits ≥ 0: the exact binary value rounded half-to-even at the decimal place, then
    /// read back as the nearest double (CPython's float_round via dtoa), so <c>round(2.675, 2)</c> is 2.67.
    /// </summary>
    public static double Round(double x, int digits)
    {
        if (double.IsNaN(x) || double.IsInfinity(x) || x == 0)
        {
            return x;
        }

        var bits = BitConverter.DoubleToInt64Bits(Math.Abs(x));
        var exponent = (int)((bits >> 52) & 0x7FF);
        var mantissa = bits & 0xFFFFFFFFFFFFFL;
        if (exponent == 0)
        {
            exponent = 1;
        }
        else
        {
            mantissa |= 1L << 52;
        }

        var e2 = exponent - 1075; // |x| = mantissa * 2^e2 exactly
        BigInteger num = mantissa, den = BigInteger.One;
        if (e2 >= 0)
        {
            num <<= e2;
        }
        else
        {
            den <<= -e2;
        }

        num *= BigInteger.Pow(10, digits);
        var q = BigInteger.DivRem(num, den, out var r);
        var twice = r * 2;
        if (twice > den || (twice == den && !q.IsEven))
        {
            q += 1;
        }

        var str = q.ToString(CultureInfo.InvariantCulture);
        var rounded = double.Parse(str + "E-" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return x < 0 ? -rounded : rounded;
    }

    /// <summary>Python <c>repr(float)</c>: shortest round-trip digits, always with a '.0' or exponent.</summary>
    public static string Repr(double x)
    {
        if (double.IsNaN(x))
        {
            return "nan";
        }

        if (double.IsInfinity(x))
        {
            return x > 0 ? "inf" : "-inf";
        }

        // One repr for the whole tool (PythonJson.Float): positional for 1e-4 <= |x| < 1e16, as CPython's float_repr.
        return PythonJson.Float(x);
    }
}
