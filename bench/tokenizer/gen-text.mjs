// Writes a deterministic mixed-text corpus (English prose, code, numbers and math, CJK, Cyrillic/Greek, emoji) of
// about N megabytes (UTF-8) for the tokenizer throughput benchmark. Usage: node gen-text.mjs OUT_FILE [MB]
import { writeFileSync } from 'node:fs';

const [outFile, mbArg] = process.argv.slice(2);
if (!outFile) {
  console.error('usage: node gen-text.mjs OUT_FILE [MB]');
  process.exit(2);
}
const targetBytes = Math.round(Number(mbArg ?? 4) * 1024 * 1024);

// mulberry32: a small seeded PRNG, so every run writes the same text.
let seed = 20260523;
function rand() {
  seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));

const words = ('the of and to in a is that for it as was with be by on not he i this are or his from at which but have an they you were ' +
  'her she there been one all we their has would when if so no will more can about what up out them into some could other than then ' +
  'model image answer question chart figure table value shows higher lower million revenue percent accuracy benchmark evaluation ' +
  'language vision diffusion token sequence training dataset results paper method performance baseline compared significant ' +
  'however therefore because although between across during without within through against toward whether another several ' +
  "don't can't it's we'll they've I'm you're she'd").split(' ');
const names = ['LLaDA-V', 'LLaMA3-V', 'MMMU', 'ChartQA', 'DocVQA', 'SigLIP2', 'GPT-4o', 'Qwen2-VL', 'InfoVQA', 'MathVista'];
const cjk = '的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞';
const cjkPunct = ['，', '。', '、', '：', '；', '！', '？'];
const cyrillic = ['данные', 'модель', 'изображение', 'ответ', 'вопрос', 'результат', 'точность', 'текст'];
const greek = ['δεδομένα', 'μοντέλο', 'εικόνα', 'απάντηση', 'ερώτηση', 'αποτέλεσμα'];
const emoji = ['😀', '🙂', '🎉', '👍🏽', '📈', '🚀', '✅', '🤖', '👨‍👩‍👧', '🔥'];
const code = [
  'def f(x):\n    return x ** 2  # square\n',
  'for (int i = 0; i < n; i++) { sum += a[i] * b[i]; }\n',
  'const ids = tokenizer.encode(text, { add_special_tokens: false });\n',
  'if err != nil {\n\treturn fmt.Errorf("load %s: %w", path, err)\n}\n',
  '{"task": "mmmu_val", "doc_id": 17, "response": "B"}\n',
  'SELECT name, COUNT(*) FROM runs WHERE score > 0.5 GROUP BY name;\n',
];

function randomWord() {
  // One word in five is a made-up letter string, so the BPE cache does not see only repeats.
  if (rand() < 0.2) {
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    let w = '';
    for (let i = int(3, 11); i > 0; i--) w += letters[int(0, 25)];
    return w;
  }
  const w = pick(words);
  return rand() < 0.08 ? w[0].toUpperCase() + w.slice(1) : w;
}

function sentence() {
  const parts = [];
  for (let i = int(6, 22); i > 0; i--) {
    const r = rand();
    if (r < 0.04) parts.push(pick(names));
    else if (r < 0.08) parts.push(String(int(0, 99999)));
    else if (r < 0.10) parts.push(`${int(1, 99)}.${int(0, 999)}%`);
    else parts.push(randomWord());
  }
  let s = parts.join(' ');
  s = s[0].toUpperCase() + s.slice(1);
  return s + pick(['.', '.', '.', '?', '!', ':', ';']) + (rand() < 0.03 ? ' ' + pick(emoji) : '');
}

function cjkSentence() {
  let s = '';
  for (let k = int(2, 5); k > 0; k--) {
    for (let i = int(2, 6); i > 0; i--) s += cjk[int(0, cjk.length - 1)];
    s += pick(cjkPunct);
  }
  return s;
}

const chunks = [];
let bytes = 0;
while (bytes < targetBytes) {
  const r = rand();
  let chunk;
  if (r < 0.70) {
    chunk = '';
    for (let i = int(2, 6); i > 0; i--) chunk += sentence() + ' ';
    chunk = chunk.trimEnd() + '\n\n';
  } else if (r < 0.80) {
    chunk = pick(code);
  } else if (r < 0.88) {
    chunk = cjkSentence() + '\n';
  } else if (r < 0.93) {
    chunk = `${pick(cyrillic)} ${pick(cyrillic)} ${int(1, 2024)}, ${pick(greek)} ${pick(greek)}.\n`;
  } else if (r < 0.97) {
    chunk = `$x_${int(1, 9)}^2 + ${int(2, 99)}y = ${int(0, 999)}$, \\frac{${int(1, 9)}}{${int(2, 9)}}; date ${int(1990, 2026)}-${String(int(1, 12)).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')}\n`;
  } else {
    chunk = `${pick(emoji)}${pick(emoji)} ${randomWord()}${pick(emoji)}\n`;
  }
  chunks.push(chunk);
  bytes += Buffer.byteLength(chunk);
}

const text = chunks.join('');
writeFileSync(outFile, text, 'utf8');
console.log(JSON.stringify({ file: outFile, bytes: Buffer.byteLength(text), chars: text.length }));
