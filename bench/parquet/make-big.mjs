// Generates the benchmark file: a Hugging Face image split shape (id, question, options as a Python-repr string,
// answer, image as {bytes, path}) with incompressible ~150 KB "images", SNAPPY, 100-row row groups like the
// `datasets` library's image shards. Never committed; written under $PARQUET_BENCH_DIR (default /tmp).
//
//   node bench/parquet/make-big.mjs [rows=2000]
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync, existsSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

export const benchDir = process.env.PARQUET_BENCH_DIR ?? '/tmp/llada-parquet-bench';
export const benchFile = path.join(benchDir, 'hf_images.parquet');

export async function makeBig(rows = 2000) {
  if (existsSync(benchFile)) return benchFile;
  const imgs = path.join(benchDir, 'imgs');
  mkdirSync(imgs, { recursive: true });
  for (let i = 0; i < rows; i++) {
    const b = randomBytes(100_000 + ((i * 7919) % 100_000));
    b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    writeFileSync(path.join(imgs, `${String(i).padStart(6, '0')}.png`), b);
  }
  const db = await DuckDBInstance.create(':memory:', { threads: '1' });
  const con = await db.connect();
  const select = (lo, hi) => `(SELECT 'validation_' || n AS id,
      'Question ' || n || ': <image 1> which option matches the picture? ' || repeat('Context. ', 20) AS question,
      '[''option A ' || n || ''', ''option B'', ''option C'', ''option D'']' AS options,
      chr(65 + n % 4) AS answer,
      {'bytes': content, 'path': filename[-10:]} AS image
    FROM (SELECT *, CAST(regexp_extract(filename, '(\\d+)\\.png', 1) AS INTEGER) AS n FROM read_blob('${imgs}/*.png'))
    WHERE n >= ${lo} AND n < ${hi} ORDER BY n)`;
  const slices = [];
  for (let at = 0; at < rows; at += 100) slices.push(select(at, at + 100));
  await con.run(`COPY (${slices.join(' UNION ALL ')}) TO '${benchFile}' (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 100)`);
  rmSync(imgs, { recursive: true, force: true });
  return benchFile;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = await makeBig(Number(process.argv[2] ?? 2000));
  console.log(`${file}: ${(statSync(file).size / 1e6).toFixed(1)} MB`);
}
