// Writes an embedded sample's JSON Lines rows as the Parquet file a real repository holds (the Lin-Chen/MMStar and
// CaraJ/MathVerse-lmmseval cards name their .parquet files literally), with HF Image columns as {bytes, path}
// structs: an image given as {"path": "images/x.png"} relative to the JSONL file is embedded, as push_to_hub does,
// and keeps its file name as `path`.
//
//   npm install --prefix /tmp/pq @duckdb/node-api@1.5.6-r.1
//   NODE_PATH=/tmp/pq/node_modules node tasks/tools/jsonl-to-parquet.cjs IN.jsonl OUT.parquet [EXPECTED.json]
//
// EXPECTED.json gets the rows as written ({"rows": [...]}, image bytes in base64), which the DuckDB oracle test
// (tests/LLaDAV.Eval.Parquet.Tests/Oracle) counts against what DuckDB and our reader read back; the samples keep theirs
// in tasks/tools/expected/ so the sample snapshots hold only the repositories' own files.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { DuckDBInstance } = require('@duckdb/node-api');

const [input, output, expectedPath] = process.argv.slice(2);
const rows = fs.readFileSync(input, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
const isImage = (v) => v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).sort().join() === 'bytes,path';
const sql = (s) => (s === null || s === undefined ? 'NULL' : `'${String(s).replaceAll("'", "''")}'`);

function type(v) {
  if (isImage(v)) return 'STRUCT(bytes BLOB, path VARCHAR)';
  if (typeof v === 'number') return Number.isInteger(v) ? 'BIGINT' : 'DOUBLE';
  if (typeof v === 'boolean') return 'BOOLEAN';
  if (Array.isArray(v)) return `${type(v[0] ?? '')}[]`;
  if (v !== null && typeof v === 'object') return `STRUCT(${Object.entries(v).map(([k, x]) => `"${k}" ${type(x)}`).join(', ')})`;
  return 'VARCHAR';
}

function literal(v) {
  if (isImage(v)) {
    const bytes = v.bytes ?? (v.path ? fs.readFileSync(path.resolve(path.dirname(input), v.path)) : null);
    return `{'bytes': ${bytes === null ? 'NULL::BLOB' : `from_base64('${Buffer.from(bytes).toString('base64')}')`}, 'path': ${sql(v.path ? path.basename(v.path) : null)}}`;
  }
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(literal).join(', ')}]`;
  if (typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `'${k}': ${literal(x)}`).join(', ')}}`;
  return sql(v);
}

(async () => {
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  const columns = Object.keys(rows[0]);
  await con.run(`CREATE TABLE t (${columns.map((c) => `"${c}" ${type(rows[0][c])}`).join(', ')})`);
  for (const row of rows) {
    await con.run(`INSERT INTO t VALUES (${columns.map((c) => literal(row[c])).join(', ')})`);
  }
  await con.run(`COPY t TO '${output.replaceAll("'", "''")}' (FORMAT PARQUET, COMPRESSION SNAPPY)`);
  if (expectedPath) {
    const written = (v) => {
      if (isImage(v)) {
        const bytes = v.bytes ?? (v.path ? fs.readFileSync(path.resolve(path.dirname(input), v.path)) : null);
        return { bytes: bytes === null ? null : Buffer.from(bytes).toString('base64'), path: v.path ? path.basename(v.path) : null };
      }
      if (Array.isArray(v)) return v.map(written);
      if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, written(x)]));
      return v;
    };
    fs.writeFileSync(expectedPath, JSON.stringify({ rows: rows.map((r) => Object.fromEntries(columns.map((c) => [c, written(r[c])]))) }, null, 1) + '\n');
  }
})();
