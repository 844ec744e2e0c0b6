#!/usr/bin/env bash
# Tokenizer throughput in one run, on one generated text: this project's HfTokenizer (BenchmarkDotNet class
# tests/LLaDAV.Eval.Benchmarks/Tokenization/TokenizerThroughputBenchmarks.cs) against HF tokenizers (Rust, through its
# Node binding) and tokenizers.js. The C# run also checks that its ids equal the Rust ids on the whole text.
# Usage: bench/tokenizer/run.sh [MEGABYTES=2] [TOKENIZER_DIR=../shared/testdata/tokenizers/llama3]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mb=${1:-2}
dir=$(cd "${2:-$root/../shared/testdata/tokenizers/llama3}" && pwd)
out=$here/out
mkdir -p "$out"
rm -rf "$out/bdn"

if [ ! -d "$here/node_modules/tokenizers" ] || [ ! -d "$here/node_modules/@huggingface/tokenizers" ]; then
  (cd "$here" && npm install --no-audit --no-fund)
fi

node "$here/gen-text.mjs" "$out/text.txt" "$mb"
# Crafted held-out strings (emoji ZWJ/flags, CJK, 4+ digit numbers, contractions, whitespace runs, special tokens
# next to text): appended so that the Rust reference ids cover them too.
cat "$here/held-out.txt" >> "$out/text.txt"
node "$here/bench.mjs" "$dir" "$out/text.txt" "$out/reference-ids.bin" | tee "$out/node.jsonl"

LLADAV_TOKENIZER_BENCH_DIR=$dir LLADAV_TOKENIZER_BENCH_TEXT=$out/text.txt LLADAV_TOKENIZER_BENCH_IDS=$out/reference-ids.bin \
  dotnet run -c Release --project "$root/tests/LLaDAV.Eval.Benchmarks" --artifacts-path "${BENCH_ARTIFACTS:-/tmp/art-tokenizer-bench}" \
  -- --filter '*TokenizerThroughput*' --exporters json --artifacts "$out/bdn" > "$out/bdn.log"
grep -E '^// tokenizer-bench|EncodeWhole|EncodeLines|whole text|line by line' "$out/bdn.log" || true

node "$here/report.mjs" "$out" | tee "$out/report.md"
