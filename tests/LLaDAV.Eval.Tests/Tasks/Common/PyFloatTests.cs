using LLaDAV.Eval.Tasks.Common;

namespace LLaDAV.Eval.Tests.Tasks.Common;

/// <summary>Python float() and round() semantics (CPython documentation and the exact binary values of the inputs).</summary>
public sealed class PyFloatTests
{
    [Theory]
    [InlineData(" 12.5 ", 12.5)]
    [InlineData("1_000", 1000.0)]
    [InlineData("1e3", 1000.0)]
    [InlineData("-.5", -0.5)]
    [InlineData("5.", 5.0)]
    [InlineData("+3", 3.0)]
    public void Should_parse_what_python_float_accepts(string text, double expected)
    {
        Assert.True(PyFloat.TryParse(text, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("inf")]
    [InlineData("-Infinity")]
    [InlineData("NaN")]
    public void Should_parse_special_values(string text) => Assert.True(PyFloat.TryParse(text, out _));

    [Theory]
    [InlineData("")]
    [InlineData("1,000")]
    [InlineData("_1")]
    [InlineData("1__0")]
    [InlineData("12%")]
    [InlineData("e5")]
    [InlineData("--1")]
    [InlineData("0x10")]
    public void Should_reject_what_python_float_rejects(string text) => Assert.False(PyFloat.TryParse(text, out _));

    [Theory]
    [InlineData(2.675, 2.67)] // 2.675 is 2.67499999999999982236431605997495353221893310546875 in binary
    [InlineData(0.375, 0.38)] // exactly 0.375: a tie, to even → 38
    [InlineData(0.125, 0.12)] // exactly 0.125: a tie, to even → 12
    [InlineData(-1.005, -1.0)] // -1.00499999999999989... → -1.0
    [InlineData(123.456, 123.46)]
    public void Should_round_like_python(double x, double expected) => Assert.Equal(expected, PyFloat.Round(x, 2));
}
