#!/usr/bin/env python3
"""Writes OUT/summary.json for scripts/gpu-check.sh: each step's result and the key figures of the JSON files the steps
left in OUT (torch_llada.json, torch_llama.json, bench.json, torch_bench.json), with the issue-13 goals checked.
Needs only the standard library."""

import json
import os
import sys


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def main(out, steps_tsv):
    steps = []
    for line in open(steps_tsv):
        name, status, code, detail = (line.rstrip("\n").split("\t") + ["", "", "", ""])[:4]
        steps.append({"step": name, "status": status, "exit": int(code) if code.isdigit() else None, "detail": detail})
    summary = {"steps": steps}

    for kind in ("llada", "llama"):
        r = load(os.path.join(out, f"torch_{kind}.json"))
        if r:
            summary[f"pytorch_{kind}"] = {
                "shape": f"{r['layers']} layers, hidden {r['hidden']}, vocab {r['vocab']}, {r['tokens']} tokens",
                "logits_vs_torch_fp32": r["logits_vs_torch_fp32"],
                "logits_vs_torch_bf16": r["logits_vs_torch_bf16"],
                "torch_bf16_vs_torch_fp32": r["torch_bf16_vs_torch_fp32"],
                "generation_ids_agreement": r["generation"]["ids_agreement"],
                "generation_first_difference": r["generation"]["first_difference"],
            }

    bench = load(os.path.join(out, "bench.json"))
    torch_bench = load(os.path.join(out, "torch_bench.json"))
    if bench:
        m = bench["model"]
        t, h, ff, layers, vocab = m["prompt_tokens"] + m["gen_length"], m["hidden"], m["ffn"], m["layers"], m["vocab"]
        kv = h  # LLaDA is MHA
        # the FLOPs `bench` (a) counts: linear layers and attention over t tokens, logits of the last row only
        flops = 2 * t * (2 * h * h + 2 * h * kv + 3 * h * ff) * layers + 4 * t * t * h * layers + 2 * h * vocab
        ours_forward = flops / (bench["forward_gflops"] * 1e9)
        rows = {r["name"]: r for r in bench["diffusion"]}
        prefix_b1 = [r for n, r in rows.items() if n.startswith("prefix") and "batch" not in n]
        best_prefix = max(prefix_b1, key=lambda r: r["tokens_per_second"]) if prefix_b1 else None
        summary["ours"] = {
            "backend": bench["backend"],
            "forward_seconds": ours_forward,
            "forward_tflops": bench["forward_gflops"] / 1e3,
            "large_gemm_tflops": bench["large_gemm"]["gflops"] / 1e3,
            "forward_fraction_of_large_gemm": bench["forward_gflops"] / bench["large_gemm"]["gflops"],
            "copy_gbps": bench["roofline"]["copy_gbps"],
            "window_step_over_roofline": bench["roofline"]["step_over_roofline"],
            "diffusion_rows": bench["diffusion"],
            "autoregressive_rows": bench["autoregressive"],
        }
        goals = {
            "prefix_cache_batch1_at_least_100_tok_s": None if best_prefix is None else best_prefix["tokens_per_second"] >= 100,
            "window_step_within_1_5x_roofline": bench["roofline"]["step_over_roofline"] <= 1.5,
        }
        if torch_bench:
            tf = torch_bench["forward_batch1"]
            summary["pytorch_eager"] = torch_bench
            summary["ours_vs_pytorch_eager_forward"] = {
                "torch_forward_seconds_last_row_logits": tf["seconds_last_row_logits"],
                "torch_forward_seconds_all_logits": tf["seconds"],
                "speedup_same_work": tf["seconds_last_row_logits"] / ours_forward,
                "speedup_vs_authors_full_logits": tf["seconds"] / ours_forward,
            }
            goals["faster_than_pytorch_eager_forward"] = tf["seconds_last_row_logits"] > ours_forward
        summary["goals"] = goals

    with open(os.path.join(out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    for s in steps:
        print(f"{s['step']:<20} {s['status']:<8} {'' if s['exit'] is None else s['exit']:<4} {s['detail']}")
    if "goals" in summary:
        print("goals:", json.dumps(summary["goals"]))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
