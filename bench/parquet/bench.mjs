// Reads one multi-hundred-MB Hugging Face-shaped image split with three readers in the same run and prints MB/s,
// rows/s and each reference's time relative to LLaDAV.Eval.Parquet:
//   - LLaDAV.Eval.Parquet (C#) through the timing harness in ./dotnet (Release build),
//   - hyparquet (pure JavaScript, rows materialised as objects, like our row dictionaries),
//   - DuckDB (native, one thread, aggregating the columns so every value is decoded).
// Each in two modes: all columns, and projected to `question` (the image column must then cost nothing).
// Wall time and CPU time are both reported: on a shared, loaded machine CPU time is the steadier measure. Readers
// take turns in rounds so that load changes hit all of them alike; the median per read is reported.
//
//   cd bench/parquet && npm ci && node bench.mjs [rows=2000]
// The BenchmarkDotNet class for the C# reader alone: tests/LLaDAV.Eval.Benchmarks/Parquet/ParquetReadBenchmarks.cs.
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { DuckDBInstance } from '@duckdb/node-api';
import { makeBig } from './make-big.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const rounds = Number(process.env.PARQUET_BENCH_ROUNDS ?? 3);
const perRound = 2;
const file = await makeBig(Number(process.argv[2] ?? 2000));
const bytes = statSync(file).size;

const build = process.env.PARQUET_BENCH_BUILD ?? '/tmp/art-parquet-harness';
execFileSync('dotnet', ['build', '-c', 'Release', path.join(here, 'dotnet'), '--artifacts-path', build], { stdio: ['ignore', 'ignore', 'inherit'] });
const harness = path.join(build, 'bin', 'ParquetBench', 'release', 'ParquetBench.dll');

function csharp(mode) {
  const out = execFileSync('dotnet', [harness, file, mode, String(perRound)], { encoding: 'utf8' });
  return out.trim().split('\n').map((l) => JSON.parse(l));
}

async function hyparquet(questionOnly) {
  const data = await asyncBufferFromFile(file);
  // utf8: false keeps the unannotated image bytes binary (Uint8Array) instead of decoding them as text.
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

async function inNode(fn, warm) {
  if (warm) await fn();
  const runs = [];
  for (let i = 0; i < perRound; i++) {
    const cpu = process.cpuUsage();
    const t = process.hrtime.bigint();
    const rows = await fn();
    const wall = Number(process.hrtime.bigint() - t) / 1e9;
    const used = process.cpuUsage(cpu);
    runs.push({ wall, cpu: (used.user + used.system) / 1e6, rows });
  }
  return runs;
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const table = [];
for (const [mode, questionOnly] of [['all', false], ['question', true]]) {
  const runs = { 'LLaDAV.Eval.Parquet (C#)': [], 'hyparquet (JS)': [], 'DuckDB 1 thread (native)': [] };
  for (let r = 0; r < rounds; r++) {
    runs['LLaDAV.Eval.Parquet (C#)'].push(...csharp(mode));
    runs['hyparquet (JS)'].push(...(await inNode(() => hyparquet(questionOnly), r === 0)));
    runs['DuckDB 1 thread (native)'].push(...(await inNode(() => duckdb(questionOnly), r === 0)));
  }
  const base = runs['LLaDAV.Eval.Parquet (C#)'];
  const baseWall = median(base.map((x) => x.wall));
  const baseCpu = median(base.map((x) => x.cpu));
  for (const [reader, rs] of Object.entries(runs)) {
    const wall = median(rs.map((x) => x.wall));
    const cpu = median(rs.map((x) => x.cpu));
    table.push({
      mode, reader, rows: rs[0].rows,
      'wall s': wall.toFixed(3), 'cpu s': cpu.toFixed(3),
      'MB/s (wall)': (bytes / 1e6 / wall).toFixed(0), 'MB/s (cpu)': (bytes / 1e6 / cpu).toFixed(0),
      'rows/s (cpu)': (rs[0].rows / cpu).toFixed(0),
      'wall vs C#': (wall / baseWall).toFixed(2) + 'x', 'cpu vs C#': (cpu / baseCpu).toFixed(2) + 'x',
    });
  }
}

console.log(`file: ${file} (${(bytes / 1e6).toFixed(1)} MB); median of ${rounds * perRound} reads per reader, in ${rounds} alternating rounds; MB/s = file size / time; "x vs C#" > 1 means slower than C#`);
console.table(table);
