// Writes the wrong-schema Parquet fixtures of WrongSchemaParquetTests (issue 23 §6) from the embedded MMStar sample:
// valid Parquet files whose columns hold other types than Lin-Chen/MMStar publishes (its card: index int64,
// question/answer/category/l2_category string, image Image, meta_info struct). Run from the repository root:
//   npm install --prefix /tmp/pq @duckdb/node-api@1.5.6-r.1
//   NODE_PATH=/tmp/pq/node_modules node tests/LLaDAV.Eval.Cli.Tests/Hostile/Fixtures/make-wrong-schema.cjs
const { DuckDBInstance } = require('@duckdb/node-api');
const path = require('path');
const fs = require('fs');

(async () => {
  const snapshots = 'tasks/mmstar/sample/hub/datasets--Lin-Chen--MMStar/snapshots';
  const sample = path.join(snapshots, fs.readdirSync(snapshots)[0], 'mmstar.parquet');
  const out = 'tests/LLaDAV.Eval.Cli.Tests/Hostile/Fixtures';
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  await c.run(`CREATE TABLE t AS SELECT * FROM read_parquet('${sample}') ORDER BY index`);
  const variants = {
    // answer a DOUBLE where the card has a string letter.
    'mmstar-answer-double': `SELECT index, question, image, 3.5::DOUBLE AS answer, category, l2_category, meta_info FROM t`,
    // index a list of int64 where the card has one int64.
    'mmstar-index-list': `SELECT [index, index] AS index, question, image, answer, category, l2_category, meta_info FROM t`,
  };
  for (const [name, sql] of Object.entries(variants)) {
    await c.run(`COPY (${sql}) TO '${out}/${name}.parquet' (FORMAT parquet, COMPRESSION snappy)`);
  }
})();
