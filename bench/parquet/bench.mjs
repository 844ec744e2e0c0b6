// Reads one multi-hundred-MB Hugging Face-shaped image split with three readers in the same run and prints MB/s,
// rows/s and each reference's time relative to LLaDAV.Eval.Parquet:
//   - LLaDAV.Eval.Parquet through BenchmarkDotNet (tests/LLaDAV.Eval.Benchmarks/Parquet/ParquetReadBenchmarks.cs),
//   - hyparquet (pure JavaScript, rows materialised as objects, like our row dictionaries),
//   - DuckDB (native, one thread, aggregating the columns so every value is decoded).
// Each in two modes: all columns, and projected to `question` (the image column must then cost nothing).
//
//   cd bench/parquet && npm i && node bench.mjs [rows=2000]
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { DuckDBInstance } from '@duckdb/node-api';
import { makeBig, benchDir } from './make-big.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const iterations = Number(process.env.PARQUET_BENCH_ITERATIONS ?? 3);
const file = await makeBig(Number(process.argv[2] ?? 2000));
const bytes = statSync(file).size;

async function timed(fn) {
  await fn(); // warm-up
  const times = [];
  let rows = 0;
  for (let i = 0; i < iterations; i++) {
    const t = process.hrtime.bigint();
    rows = await fn();
    times.push(Number(process.hrtime.bigint() - t) / 1e9);
  }
  return { seconds: times.reduce((a, b) => a + b, 0) / times.length, rows };
}

async function hyparquet(questionOnly) {
  const data = await asyncBufferFromFile(file);
  // utf8: false keeps the unannotated image bytes binary (as Uint8Array) instead of decoding them as text.
  const rows = await parquetReadObjects({ file: data, columns: questionOnly ? ['question'] : undefined, utf8: false });
  let touched = 0;
  for (const r of rows) {
    touched += r.question.length;
    if (!questionOnly) touched += r.image.bytes.length + r.options.length;
  }
  if (touched === 0) throw new Error('nothing read');
  return rows.length;
}

const duck = await (await DuckDBInstance.create(':memory:', { threads: '1' })).connect();
async function duckdb(questionOnly) {
  const cols = questionOnly ? 'sum(length(question))' : 'sum(length(question)), sum(octet_length(image.bytes)), sum(length(options)), count(image.path)';
  const result = await duck.runAndReadAll(`SELECT count(*) AS n, ${cols} FROM read_parquet('${file}')`);
  return Number(result.getRows()[0][0]);
}

function ours() {
  const artifacts = path.join(benchDir, 'bdn');
  execFileSync('dotnet', ['run', '-c', 'Release', '--project', path.join(repo, 'tests/LLaDAV.Eval.Benchmarks'), '--artifacts-path', process.env.PARQUET_BENCH_BUILD ?? '/tmp/art-parquet-bench', '--', '--filter', '*ParquetReadBenchmarks*'], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, PARQUET_BENCH_FILE: file, PARQUET_BENCH_ARTIFACTS: artifacts, PARQUET_BENCH_ITERATIONS: String(iterations) },
  });
  const results = path.join(artifacts, 'results');
  const report = readdirSync(results).find((f) => f.includes('ParquetReadBenchmarks') && f.endsWith('-report-full.json'));
  const json = JSON.parse(readFileSync(path.join(results, report), 'utf8'));
  const byMode = {};
  for (const b of json.Benchmarks) {
    byMode[b.Parameters.includes('True') ? 'question' : 'all'] = { seconds: b.Statistics.Mean / 1e9, allocated: b.Memory?.BytesAllocatedPerOperation };
  }
  return byMode;
}

const mine = ours();
const total = (await duckdb(false));
const rowsOut = [];
for (const [mode, questionOnly] of [['all', false], ['question', true]]) {
  const h = await timed(() => hyparquet(questionOnly));
  const d = await timed(() => duckdb(questionOnly));
  const o = mine[mode];
  for (const [reader, r] of [['LLaDAV.Eval.Parquet (C#)', o], ['hyparquet (JS)', h], ['DuckDB 1 thread (native)', d]]) {
    rowsOut.push({ mode, reader, seconds: r.seconds.toFixed(3), 'MB/s': (bytes / 1e6 / r.seconds).toFixed(0), 'rows/s': (total / r.seconds).toFixed(0), 'time vs C#': (r.seconds / o.seconds).toFixed(2) + 'x' });
  }
}

console.log(`\nfile: ${file} (${(bytes / 1e6).toFixed(1)} MB, ${total} rows); mean of ${iterations} reads after a warm-up; MB/s = file size / time`);
console.table(rowsOut);
console.log(`C# allocated per read: all ${(mine.all.allocated / 1e6).toFixed(0)} MB, question-only ${(mine.question.allocated / 1e6).toFixed(1)} MB`);
