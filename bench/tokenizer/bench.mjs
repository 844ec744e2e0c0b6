// Times encode(text, add_special_tokens=false) of HF tokenizers (Rust, through its Node binding `tokenizers`) and of
// tokenizers.js (`@huggingface/tokenizers`, pure JS) on one text; checks that both give the same ids and writes the
// Rust ids (int32 little-endian) for the C# side to compare against.
// Two shapes: the whole text as one string, and line by line (the shape of evaluation prompts).
// Usage: node bench.mjs TOKENIZER_DIR TEXT_FILE IDS_OUT [REPEATS]
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Tokenizer as JsTokenizer } from '@huggingface/tokenizers';

const require = createRequire(import.meta.url);
const { Tokenizer: RustTokenizer } = require('tokenizers');

const [dir, textFile, idsOut, repeatsArg] = process.argv.slice(2);
const repeats = Number(repeatsArg ?? 3);
const text = readFileSync(textFile, 'utf8');
const lines = text.split('\n');
const megabytes = Buffer.byteLength(text) / 1e6;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function measure(name, shape, encode) {
  let ids = await encode(); // warm-up (fills caches, JIT)
  const times = [];
  const cpuTimes = [];
  for (let i = 0; i < repeats; i++) {
    // CPU time of the whole process (the Rust binding encodes on a worker thread): robust on a shared, loaded machine.
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    ids = await encode();
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
    const c = process.cpuUsage(c0);
    cpuTimes.push((c.user + c.system) / 1e6);
  }
  const seconds = median(times);
  const cpuSeconds = median(cpuTimes);
  const result = { impl: name, shape, seconds, cpu_seconds: cpuSeconds, cpu_mb_per_s: megabytes / cpuSeconds, mb_per_s: megabytes / seconds, tokens_per_s: ids.length / seconds, tokens: ids.length };
  console.log(JSON.stringify(result));
  return ids;
}

let t0 = process.hrtime.bigint();
const rust = RustTokenizer.fromFile(`${dir}/tokenizer.json`);
console.log(JSON.stringify({ impl: 'hf-tokenizers-rust', load_seconds: Number(process.hrtime.bigint() - t0) / 1e9 }));
t0 = process.hrtime.bigint();
const js = new JsTokenizer(JSON.parse(readFileSync(`${dir}/tokenizer.json`, 'utf8')), JSON.parse(readFileSync(`${dir}/tokenizer_config.json`, 'utf8')));
console.log(JSON.stringify({ impl: 'tokenizers.js', load_seconds: Number(process.hrtime.bigint() - t0) / 1e9 }));

const rustIds = await measure('hf-tokenizers-rust', 'whole text', async () => (await rust.encode(text, null, { addSpecialTokens: false })).getIds());
const jsIds = await measure('tokenizers.js', 'whole text', async () => js.encode(text, { add_special_tokens: false }).ids);
await measure('hf-tokenizers-rust', 'line by line', async () => {
  const ids = [];
  for (const line of lines) ids.push(...(await rust.encode(line, null, { addSpecialTokens: false })).getIds());
  return ids;
});
await measure('tokenizers.js', 'line by line', async () => {
  const ids = [];
  for (const line of lines) ids.push(...js.encode(line, { add_special_tokens: false }).ids);
  return ids;
});

let firstDiff = -1;
for (let i = 0; i < Math.max(rustIds.length, jsIds.length); i++) {
  if (rustIds[i] !== jsIds[i]) { firstDiff = i; break; }
}
console.log(JSON.stringify({ check: 'rust-vs-js', identical: firstDiff < 0, first_difference: firstDiff }));

writeFileSync(idsOut, Buffer.from(Int32Array.from(rustIds).buffer));
