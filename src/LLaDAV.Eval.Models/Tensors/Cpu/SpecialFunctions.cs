namespace LLaDAV.Eval.Models.Tensors.Cpu;

/// <summary>Scalar math .NET lacks. erf via the Numerical Recipes erfc Chebyshev fit (relative error &lt; 1.2e-7).</summary>
internal static class SpecialFunctions
{
    // Horner coefficients from the highest power down to the constant term.
    private static readonly double[] s_coefficients = [-0.82215223, 1.48851587, -1.13520398, 0.27886807, -0.18628806, 0.09678418, 0.37409196, 1.00002368, -1.26551223];

    public static double Erf(double x)
    {
        var z = Math.Abs(x);
        var t = 1.0 / (1.0 + (0.5 * z));
        var poly = 0.17087277;
        foreach (var c in s_coefficients)
        {
            poly = (poly * t) + c;
        }

        var r = t * Math.Exp(-(z * z) + poly);
        return x >= 0 ? 1.0 - r : r - 1.0;
    }

    /// <summary>nn.GELU(): <c>0.5·x·(1 + erf(x/√2))</c>.</summary>
    public static float GeluErf(float x) => (float)(0.5 * x * (1.0 + Erf(x / Math.Sqrt(2.0))));

    /// <summary>gelu_pytorch_tanh: <c>0.5·x·(1 + tanh(√(2/π)·(x + 0.044715x³)))</c>.</summary>
    public static float GeluTanh(float x)
    {
        const float c = 0.7978845608028654f;
        return 0.5f * x * (1f + MathF.Tanh(c * (x + (0.044715f * x * x * x))));
    }
}
