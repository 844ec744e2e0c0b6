// Joins the Node reference timings (node.jsonl) and the BenchmarkDotNet results of TokenizerThroughputBenchmarks
// into one table with throughput ratios. Usage: node report.mjs OUT_DIR
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const out = process.argv[2];
const nodeRows = readFileSync(join(out, 'node.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((r) => r.shape);
const textBytes = Buffer.byteLength(readFileSync(join(out, 'text.txt'), 'utf8'));

const resultsDir = join(out, 'bdn', 'results');
const reportFile = readdirSync(resultsDir).find((f) => f.includes('TokenizerThroughput') && f.endsWith('.json'));
const report = JSON.parse(readFileSync(join(resultsDir, reportFile), 'utf8'));
const shapes = { EncodeWhole: 'whole text', EncodeLines: 'line by line' };

// One setup line per BPE engine (the Engine parameter): Microsoft.ML.Tokenizers and our merger (the engine).
const setupLines = readFileSync(join(out, 'bdn.log'), 'utf8').split('\n').filter((l) => l.startsWith('// tokenizer-bench'));
const csCpu = new Map();
for (const l of setupLines) {
  const engine = /engine=(\S+)/.exec(l)?.[1] ?? 'ml-tokenizers';
  const cpu = /cpu_seconds_whole=([0-9.]+)/.exec(l);
  if (cpu && !csCpu.has(engine)) csCpu.set(engine, Number(cpu[1]));
}
const engineOf = (b) => /Engine=([^,\]]+)/.exec(b.Parameters ?? '')?.[1] ?? 'ml-tokenizers';

const rows = [...nodeRows];
for (const b of report.Benchmarks) {
  const shape = shapes[b.Method];
  const seconds = b.Statistics.Median / 1e9;
  const tokens = nodeRows.find((r) => r.shape === shape && r.impl === 'hf-tokenizers-rust').tokens;
  rows.push({ impl: `LLaDAV HfTokenizer (C#, ${engineOf(b)})`, shape, seconds, mb_per_s: textBytes / 1e6 / seconds, tokens_per_s: tokens / seconds, tokens });
}

console.log(`text: ${(textBytes / 1e6).toFixed(2)} MB; median of the measured runs; MB = 10^6 UTF-8 bytes`);
console.log('| shape | implementation | seconds | MB/s | tokens/s | speed-up of C# ml-tokenizers |');
console.log('|---|---|---:|---:|---:|---:|');
for (const shape of Object.values(shapes)) {
  const ours = rows.find((r) => r.shape === shape && r.impl === 'LLaDAV HfTokenizer (C#, ml-tokenizers)')
    ?? rows.find((r) => r.shape === shape && r.impl.startsWith('LLaDAV'));
  for (const r of rows.filter((x) => x.shape === shape)) {
    const ratio = r === ours ? '' : `${(r.seconds / ours.seconds).toFixed(2)}x`;
    console.log(`| ${shape} | ${r.impl} | ${r.seconds.toFixed(3)} | ${r.mb_per_s.toFixed(2)} | ${Math.round(r.tokens_per_s)} | ${ratio} |`);
  }
}

if (csCpu.size > 0 && nodeRows.some((r) => r.cpu_seconds)) {
  const ours = csCpu.get('ml-tokenizers') ?? [...csCpu.values()][0];
  console.log('');
  console.log('Process CPU time, whole text (robust to other load on the machine):');
  console.log('| implementation | CPU seconds | MB/s of CPU | speed-up of C# ml-tokenizers |');
  console.log('|---|---:|---:|---:|');
  for (const [engine, cpu] of csCpu) {
    console.log(`| LLaDAV HfTokenizer (C#, ${engine}) | ${cpu.toFixed(3)} | ${(textBytes / 1e6 / cpu).toFixed(2)} | ${cpu === ours ? '' : `${(cpu / ours).toFixed(2)}x`} |`);
  }
  for (const r of nodeRows.filter((x) => x.shape === 'whole text' && x.cpu_seconds)) {
    console.log(`| ${r.impl} | ${r.cpu_seconds.toFixed(3)} | ${(textBytes / 1e6 / r.cpu_seconds).toFixed(2)} | ${(r.cpu_seconds / ours).toFixed(2)}x |`);
  }
}
