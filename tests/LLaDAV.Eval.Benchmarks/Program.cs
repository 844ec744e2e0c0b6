using BenchmarkDotNet.Running;

namespace LLaDAV.Eval.Benchmarks;

/// <summary>Entry point: <c>dotnet run -c Release --project tests/LLaDAV.Eval.Benchmarks -- --filter *</c>.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
