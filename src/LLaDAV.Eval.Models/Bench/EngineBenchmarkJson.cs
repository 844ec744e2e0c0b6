using System.Text.Json.Nodes;
using LLaDAV.Eval.Models.Backends;

namespace LLaDAV.Eval.Models.Bench;

/// <summary>
/// <c>bench --json FILE</c>: the report as JSON, for scripts that collect several runs (scripts/gpu-check.sh's summary).
/// Built by hand (no reflection) so the trimmed self-contained bundle writes it too.
/// </summary>
public static class EngineBenchmarkJson
{
    public static string ToJson(EngineBenchmarkReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var o = report.Options;
        static JsonArray Rows(IEnumerable<BenchRow> rows) => [.. rows.Select(r => (JsonNode)new JsonObject
        {
            ["name"] = r.Name,
            ["seconds"] = r.Seconds,
            ["tokens_per_second"] = r.TokensPerSecond,
            ["speedup"] = r.Speedup,
            ["agreement"] = r.Agreement,
            ["forward_passes"] = r.ForwardPasses,
        })];
        return new JsonObject
        {
            ["backend"] = report.Backend,
            ["model"] = new JsonObject
            {
                ["hidden"] = o.Hidden,
                ["layers"] = o.Layers,
                ["heads"] = o.Heads,
                ["ffn"] = o.Intermediate,
                ["vocab"] = o.Vocab,
                ["prompt_tokens"] = o.PromptTokens,
                ["gen_length"] = o.GenLength,
            },
            ["forward_gflops"] = report.ForwardGflops,
            ["same_shape_gemm_gflops"] = report.SgemmGflops,
            ["large_gemm"] = new JsonObject
            {
                ["size"] = report.LargeGemm.Size,
                ["weights"] = report.LargeGemm.WeightType.ToString(),
                ["gflops"] = report.LargeGemm.Gflops,
            },
            ["roofline"] = new JsonObject
            {
                ["copy_gbps"] = report.Roofline.CopyGBps,
                ["weight_bytes"] = report.Roofline.WeightBytes,
                ["window_rows"] = report.Roofline.WindowRows,
                ["key_length"] = report.Roofline.KeyLength,
                ["step_seconds"] = report.Roofline.StepSeconds,
                ["roofline_seconds"] = report.Roofline.RooflineSeconds,
                ["step_over_roofline"] = report.Roofline.StepSeconds / report.Roofline.RooflineSeconds,
            },
            ["diffusion"] = Rows(report.Diffusion),
            ["autoregressive"] = Rows(report.Autoregressive),
        }.ToJsonString(JsonFormats.Compact);
    }
}
