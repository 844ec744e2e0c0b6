// Drives `lladav-eval serve` (demo checkpoint) with the official openai npm SDK (issue 25 §3), as a chat UI or another
// harness would. Run by tests/LLaDAV.Eval.Cli.Tests/Serving/ServeOpenAiSdkTests.cs:
//   node serve-sdk.mjs BASE_URL API_KEY IMAGE_FILE
// Expected values come from OpenAI's API reference (object names, error classes per status) and from what the demo
// model must do whatever its random weights (same seed → same answer, streamed or not, alone or concurrent).
// Exits non-zero with the failed assertion on any mismatch; prints "ok <check>" for each check passed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import OpenAI from 'openai';

const [baseURL, apiKey, imageFile] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 300_000 });
const model = 'lladav';
const ok = (name) => console.log(`ok ${name}`);

// GET /v1/models
const models = [];
for await (const m of client.models.list()) models.push(m);
assert.deepEqual(models.map((m) => [m.id, m.object]), [[model, 'model']]);
ok('models.list');

// Plain completion
const ask = { model, messages: [{ role: 'user', content: 'Name a colour.' }], max_tokens: 8, seed: 7, temperature: 0.6 };
const plain = await client.chat.completions.create(ask);
assert.equal(plain.object, 'chat.completion');
assert.match(plain.id, /^chatcmpl-/);
assert.equal(plain.model, model);
assert.equal(plain.choices.length, 1);
assert.equal(plain.choices[0].message.role, 'assistant');
assert.equal(typeof plain.choices[0].message.content, 'string');
assert.ok(['stop', 'length'].includes(plain.choices[0].finish_reason));
assert.ok(plain.usage.completion_tokens >= 0 && plain.usage.completion_tokens <= 8);
assert.equal(plain.usage.total_tokens, plain.usage.prompt_tokens + plain.usage.completion_tokens);
ok('chat.completions.create');

// Same request again: same tokens (deterministic for a seed)
const again = await client.chat.completions.create(ask);
assert.equal(again.choices[0].message.content, plain.choices[0].message.content);
ok('same seed, same answer');

// Streamed: the deltas concatenate to the plain answer; usage in the last chunk
const stream = await client.chat.completions.create({ ...ask, stream: true, stream_options: { include_usage: true } });
let streamed = '';
let finish = null;
let usage = null;
let chunks = 0;
for await (const chunk of stream) {
  chunks++;
  assert.equal(chunk.object, 'chat.completion.chunk');
  if (chunk.choices.length > 0) {
    streamed += chunk.choices[0].delta.content ?? '';
    finish = chunk.choices[0].finish_reason ?? finish;
  }
  if (chunk.usage) usage = chunk.usage;
}
assert.ok(chunks >= 2);
assert.equal(streamed, plain.choices[0].message.content);
assert.equal(finish, plain.choices[0].finish_reason);
assert.deepEqual(usage, plain.usage);
ok('stream');

// Image parts: a base64 data URL, images first then text (lmms-eval's chat-class order)
const dataUrl = `data:image/png;base64,${readFileSync(imageFile).toString('base64')}`;
const textOnly = await client.chat.completions.create({ model, messages: [{ role: 'user', content: [{ type: 'text', text: 'What is in the image?' }] }], max_tokens: 4 });
const withImage = await client.chat.completions.create({
  model,
  messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: dataUrl } }, { type: 'text', text: 'What is in the image?' }] }],
  max_tokens: 4,
  // LLaDA-V's diffusion settings as extra body fields, under the gen_kwargs names
  steps: 4,
  block_length: 2,
});
assert.equal(withImage.choices[0].message.role, 'assistant');
// The image's visual tokens (and its "<image>\n") are part of the prompt.
assert.ok(withImage.usage.prompt_tokens > textOnly.usage.prompt_tokens, `${withImage.usage.prompt_tokens} > ${textOnly.usage.prompt_tokens}`);
ok('image_url part');

// Errors: the SDK's own classes for each status (openai-node src/core/error.ts APIError.generate)
await assert.rejects(new OpenAI({ baseURL, apiKey: 'wrong-key', maxRetries: 0 }).chat.completions.create(ask), (e) => {
  assert.ok(e instanceof OpenAI.AuthenticationError, e.constructor.name);
  assert.equal(e.status, 401);
  assert.equal(e.code, 'invalid_api_key');
  return true;
});
ok('401 AuthenticationError');
await assert.rejects(client.chat.completions.create({ ...ask, model: 'gpt-4o' }), (e) => {
  assert.ok(e instanceof OpenAI.NotFoundError, e.constructor.name);
  assert.equal(e.code, 'model_not_found');
  return true;
});
ok('404 NotFoundError');
await assert.rejects(client.chat.completions.create({ ...ask, block_length: 3 }), (e) => {
  assert.ok(e instanceof OpenAI.BadRequestError, e.constructor.name);
  assert.equal(e.status, 400);
  assert.equal(e.type, 'invalid_request_error');
  assert.equal(e.param, 'block_length');
  return true;
});
ok('400 BadRequestError');
await assert.rejects(client.chat.completions.create({ ...ask, stream: true, n: 2 }), (e) => {
  assert.ok(e instanceof OpenAI.BadRequestError, e.constructor.name);
  assert.equal(e.param, 'n');
  return true;
});
ok('400 on a streamed request');

// Concurrent requests: each gets the answer it gets alone (the server may batch them into one forward)
const prompts = ['Count to three.', 'What is two plus two?', 'Say hello.', 'Name an animal.'];
const one = (p, i) => client.chat.completions.create({ model, messages: [{ role: 'user', content: p }], max_tokens: 8, seed: i + 1, temperature: 0.8 });
const sequential = [];
for (const [i, p] of prompts.entries()) sequential.push(await one(p, i));
const concurrent = await Promise.all(prompts.map(one));
for (let i = 0; i < prompts.length; i++) {
  assert.equal(concurrent[i].choices[0].message.content, sequential[i].choices[0].message.content);
  assert.deepEqual(concurrent[i].usage, sequential[i].usage);
}
ok('concurrent');
console.log('all checks passed');
