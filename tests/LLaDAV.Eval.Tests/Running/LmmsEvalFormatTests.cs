using LLaDAV.Eval.Running.LmmsEval;
using LLaDAV.Eval.Tasks.Common;

namespace LLaDAV.Eval.Tests.Running;

/// <summary>
/// The number formats lmms-eval's files and table are written in: Python's <c>repr(float)</c> (json.dumps) and
/// numpy's summation order (<c>np.std</c> in the CLT stderr). Expected values are Python/numpy facts, checked by hand.
/// </summary>
public sealed class LmmsEvalFormatTests
{
    [Theory]
    [InlineData(1.0, "1.0")]
    [InlineData(325.0, "325.0")]
    [InlineData(0.1, "0.1")]
    [InlineData(0.4, "0.4")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(1.5e-07, "1.5e-07")]
    [InlineData(123456789012345.0, "123456789012345.0")]
    [InlineData(1e16, "1e+16")]
    [InlineData(2.5e16, "2.5e+16")]
    [InlineData(1e22, "1e+22")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    [InlineData(1.0 / 6, "0.16666666666666666")]
    [InlineData(2.0 / 3, "0.6666666666666666")]
    public void Should_write_floats_as_pythons_repr(double value, string expected) => Assert.Equal(expected, PythonJson.Float(value));

    [Fact]
    public void Should_write_json_dumps_separators_and_escapes()
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse("""{"a": [1, 2.5, "é\n\u0001"], "b": {}, "c": []}""");

        // json.dumps(ensure_ascii=False): ", " and ": "; json.dumps(indent=2): "," at line ends; control chars \uXXXX.
        Assert.Equal("{\"a\": [1, 2.5, \"é\\n\\u0001\"], \"b\": {}, \"c\": []}", PythonJson.Dumps(node));
        Assert.Equal("{\n  \"a\": [\n    1,\n    2.5,\n    \"é\\n\\u0001\"\n  ],\n  \"b\": {},\n  \"c\": []\n}", PythonJson.Dumps(node, indent: 2));
    }

    [Fact]
    public void Should_sum_in_numpys_pairwise_order()
    {
        // numpy pairwise_sum for 8 <= n <= 128: r[j] = a[j] for j < 8 (no full second block at n = 10), combined as
        // ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)), then the rest a[8], a[9] added in turn. 1e16 + 1 rounds to 1e16 (ulp 2,
        // tie to even), so: ((1e16) + 2) + 4 = 1e16 + 6; - 1e16 = 6; + 1 = 7. Left to right every 1 beside 1e16 is
        // lost: 1e16 ... - 1e16 + 1 = 1.
        double[] a = [1e16, 1, 1, 1, 1, 1, 1, 1, -1e16, 1];
        Assert.Equal(7.0, LmmsEvalFiles.NumpySum(a));
        Assert.Equal(1.0, a.Aggregate(0.0, (s, x) => s + x));
    }
}
