// Writes the Hugging Face-shaped Parquet fixtures for LLaDAV.Eval.Parquet.Tests and, beside each, the values
// written into it (<name>.expected.json), so tests compare against the writer's input, never a read-back.
//
//   (cd bench/parquet && npm ci)   (DuckDB 1.5 and hyparquet-writer from npm)
//   node tests/LLaDAV.Eval.Parquet.Tests/Fixtures/make-fixtures.cjs
//
// Shapes: lmms-lab/MMMU (image_1..image_7 as HF Image structs {bytes, path}, `options` as a Python-repr string),
// and a Sequence(Image) split (a list of Image structs, list-of-string options). Each is written by DuckDB with
// SNAPPY and ZSTD, and by hyparquet-writer (another writer: logical types, dictionary pages, its own page layout)
// with SNAPPY, in row groups of 8 rows, with HF's `huggingface` key-value metadata.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const { DuckDBInstance } = require(path.resolve(__dirname, '../../../bench/parquet/node_modules/@duckdb/node-api'));

// Deterministic bytes (a 32-bit LCG) behind a PNG signature: the reader must return them exactly.
function imageBytes(seed, length) {
  const out = Buffer.alloc(length);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(out);
  let x = (seed * 2654435761) >>> 0;
  for (let i = 8; i < length; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

const sql = (s) => (s === null ? 'NULL' : `'${String(s).replaceAll("'", "''")}'`);
const blob = (b) => (b === null ? 'NULL::BLOB' : `from_base64('${b.toString('base64')}')`);
const image = (img) => (img === null ? 'NULL' : `{'bytes': ${blob(img.bytes)}, 'path': ${sql(img.path)}}`);
const toJson = (img) => (img === null ? null : { bytes: img.bytes === null ? null : img.bytes.toString('base64'), path: img.path });

function mmmuRows() {
  const rows = [];
  for (let i = 0; i < 20; i++) {
    const opts = i % 5 === 4 ? [] : ['A cat', "It's 42", 'Ünïcödé ≤ 3', `Option ${i}`].slice(0, 2 + (i % 3));
    const images = [];
    for (let k = 1; k <= 7; k++) {
      images.push(k === 1 || (k <= 3 && i % 2 === 0) ? { bytes: imageBytes(i * 10 + k, 300 + ((i * 37 + k * 101) % 900)), path: `validation_${i}_${k}.png` } : null);
    }
    rows.push({
      id: `validation_Art_${i + 1}`,
      question: `<image 1> Question ${i}: which option is right?${i % 3 === 0 ? ' See <image 2>.' : ''}`,
      options: '[' + opts.map((o) => `'${o.replaceAll("'", "\\'")}'`).join(', ') + ']',
      explanation: i % 4 === 0 ? null : `Because ${i}.`,
      images,
      img_type: "['Paintings']",
      answer: 'ABCD'[i % 4],
      topic_difficulty: ['Easy', 'Medium', 'Hard'][i % 3],
      question_type: i % 5 === 4 ? 'open' : 'multiple-choice',
      subfield: 'Art History',
    });
  }
  return rows;
}

function sequenceRows() {
  const rows = [];
  for (let i = 0; i < 20; i++) {
    const n = i % 6 === 5 ? 0 : 1 + (i % 4);
    const images = i % 7 === 6 ? null : Array.from({ length: n }, (_, k) => (i === 3 && k === 1 ? { bytes: null, path: `frames/${i}_${k}.jpg` } : { bytes: imageBytes(1000 + i * 10 + k, 200 + ((i + k) * 53) % 700), path: null }));
    rows.push({ idx: 9007199254740000 + i, question: `What changes across the ${n} images? (${i})`, images, options: i % 4 === 3 ? [] : ['left', null, 'right'].slice(0, 1 + (i % 3)), answer: i % 2 === 0 ? 'left' : 'right' });
  }
  return rows;
}

const imageFeature = { _type: 'Image' };
const value = (dtype) => ({ dtype, _type: 'Value' });
const mmmuFeatures = { id: value('string'), question: value('string'), options: value('string'), explanation: value('string') };
for (let k = 1; k <= 7; k++) mmmuFeatures[`image_${k}`] = imageFeature;
Object.assign(mmmuFeatures, { img_type: value('string'), answer: value('string'), topic_difficulty: value('string'), question_type: value('string'), subfield: value('string') });
const sequenceFeatures = { idx: value('int64'), question: value('string'), images: { feature: imageFeature, _type: 'Sequence' }, options: { feature: value('string'), _type: 'Sequence' }, answer: value('string') };

// hyparquet-writer's explicit schema for the same columns (parquet.thrift SchemaElements, depth first).
const stringColumn = (name) => ({ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' }, repetition_type: 'OPTIONAL' });
const imageGroup = (name, repetition) => [
  { name, repetition_type: repetition, num_children: 2 },
  { name: 'bytes', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' },
  stringColumn('path'),
];
const asImage = (img) => (img === null ? null : { bytes: img.bytes === null ? null : new Uint8Array(img.bytes), path: img.path });

async function writeWithHyparquet(file, hf, schema, columnData) {
  const { parquetWriteFile } = await import(path.resolve(__dirname, '../../../bench/parquet/node_modules/hyparquet-writer/src/node.js'));
  await parquetWriteFile({ filename: file, schema, columnData, codec: 'SNAPPY', rowGroupSize: 8, kvMetadata: [{ key: 'huggingface', value: hf }] });
}

async function main() {
  const db = await DuckDBInstance.create(':memory:', { threads: '1' });
  const con = await db.connect();
  const img = 'STRUCT(bytes BLOB, path VARCHAR)';

  const mmmu = mmmuRows();
  await con.run(`CREATE TABLE mmmu (id VARCHAR, question VARCHAR, options VARCHAR, explanation VARCHAR, ${[1, 2, 3, 4, 5, 6, 7].map((k) => `image_${k} ${img}`).join(', ')}, img_type VARCHAR, answer VARCHAR, topic_difficulty VARCHAR, question_type VARCHAR, subfield VARCHAR)`);
  for (const r of mmmu) {
    await con.run(`INSERT INTO mmmu VALUES (${sql(r.id)}, ${sql(r.question)}, ${sql(r.options)}, ${sql(r.explanation)}, ${r.images.map(image).join(', ')}, ${sql(r.img_type)}, ${sql(r.answer)}, ${sql(r.topic_difficulty)}, ${sql(r.question_type)}, ${sql(r.subfield)})`);
  }

  const seq = sequenceRows();
  await con.run(`CREATE TABLE sequence_image (idx BIGINT, question VARCHAR, images ${img}[], options VARCHAR[], answer VARCHAR)`);
  for (const r of seq) {
    const images = r.images === null ? 'NULL' : `[${r.images.map(image).join(', ')}]::${img}[]`;
    await con.run(`INSERT INTO sequence_image VALUES (${r.idx}, ${sql(r.question)}, ${images}, [${r.options.map(sql).join(', ')}]::VARCHAR[], ${sql(r.answer)})`);
  }

  const outputs = [
    ['mmmu', mmmu, mmmuFeatures, (r) => {
      const o = { id: r.id, question: r.question, options: r.options, explanation: r.explanation };
      r.images.forEach((im, k) => { o[`image_${k + 1}`] = toJson(im); });
      return Object.assign(o, { img_type: r.img_type, answer: r.answer, topic_difficulty: r.topic_difficulty, question_type: r.question_type, subfield: r.subfield });
    }],
    ['sequence_image', seq, sequenceFeatures, (r) => ({ idx: String(r.idx), question: r.question, images: r.images === null ? null : r.images.map(toJson), options: r.options, answer: r.answer })],
  ];
  for (const [table, rows, features, json] of outputs) {
    const hf = JSON.stringify({ info: { features } });
    for (const codec of ['snappy', 'zstd']) {
      const file = path.join(__dirname, `${table}.${codec}.parquet`);
      // DuckDB cuts row groups only between the data chunks it writes, so each 8-row slice is its own chunk.
      const slices = [];
      for (let at = 0; at < rows.length; at += 8) slices.push(`(SELECT * FROM ${table} WHERE rowid >= ${at} AND rowid < ${at + 8} ORDER BY rowid)`);
      await con.run(`COPY (${slices.join(' UNION ALL ')}) TO '${file}' (FORMAT parquet, COMPRESSION ${codec}, ROW_GROUP_SIZE 8, KV_METADATA {huggingface: ${sql(hf)}})`);
    }
    if (table === 'mmmu') {
      const strings = ['id', 'question', 'options', 'explanation'];
      const tail = ['img_type', 'answer', 'topic_difficulty', 'question_type', 'subfield'];
      const images = [1, 2, 3, 4, 5, 6, 7].map((k) => `image_${k}`);
      await writeWithHyparquet(path.join(__dirname, 'mmmu.hyparquet.snappy.parquet'), hf,
        [{ name: 'schema', num_children: strings.length + images.length + tail.length }, ...strings.map(stringColumn), ...images.flatMap((n) => imageGroup(n, 'OPTIONAL')), ...tail.map(stringColumn)],
        [...strings.map((n) => ({ name: n, data: rows.map((r) => r[n]) })), ...images.map((n, k) => ({ name: n, data: rows.map((r) => asImage(r.images[k])) })), ...tail.map((n) => ({ name: n, data: rows.map((r) => r[n]) }))]);
    } else {
      await writeWithHyparquet(path.join(__dirname, 'sequence_image.hyparquet.snappy.parquet'), hf,
        [
          { name: 'schema', num_children: 5 },
          { name: 'idx', type: 'INT64', repetition_type: 'OPTIONAL' },
          stringColumn('question'),
          { name: 'images', repetition_type: 'OPTIONAL', converted_type: 'LIST', logical_type: { type: 'LIST' }, num_children: 1 },
          { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
          ...imageGroup('element', 'OPTIONAL'),
          { name: 'options', repetition_type: 'OPTIONAL', converted_type: 'LIST', logical_type: { type: 'LIST' }, num_children: 1 },
          { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
          stringColumn('element'),
          stringColumn('answer'),
        ],
        [
          { name: 'idx', data: rows.map((r) => BigInt(r.idx)) },
          { name: 'question', data: rows.map((r) => r.question) },
          { name: 'images', data: rows.map((r) => (r.images === null ? null : r.images.map(asImage))) },
          { name: 'options', data: rows.map((r) => r.options) },
          { name: 'answer', data: rows.map((r) => r.answer) },
        ]);
    }
    fs.writeFileSync(path.join(__dirname, `${table}.expected.json`), JSON.stringify({ huggingface: hf, rowGroupSize: 8, rows: rows.map(json) }, null, 1) + '\n');
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
