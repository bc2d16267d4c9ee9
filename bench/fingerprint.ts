/**
 * Benchmarks of the copyright-protection check (issue 5 goals), standalone:
 *
 *   npx tsx bench/fingerprint.ts [--quick] [--only=speed,lookup,robustness,text]
 *
 * Writes bench/results/fingerprint.json. Figures:
 *  1. PDQ images/s end to end (decode + hash) vs Meta's C++ reference on the same 100 JPEGs
 *     (set CWS_PDQ_REF to a build of pdq/cpp's benchmark-photo-hasher with native libjpeg,
 *     made beside the project; without it the ratio is reported as unavailable).
 *  2. PDQ lookup among 1M hashes at radius 31: p50/p95/p99 and index memory.
 *  3. Robustness: recall on edited real photos and false matches between unrelated photos.
 *  4. A 20-page paper checked against 100k documents (candidate search + passage comparison).
 * Exports `fingerprintBench` in bench/run.ts's report format for the main bench runner.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import sharp, { type Sharp } from 'sharp';
import { centerCrop, CROP_FACTOR, lumaFromPixels, pdqFromLuma, pdqFromPixels, PDQ_MATCH_DISTANCE, wordsToHex } from '../src/fingerprint/pdq.js';
import { bestDistance, imageMatchHashes } from '../src/fingerprint/pdq-crops.js';
import { RegistryIndex } from '../src/fingerprint/registry-index.js';
import { bandKeys, chunkSignatures, comparePassages, kgramHashes, normalizeText, textPrint } from '../src/fingerprint/text.js';
import { MediaDecoder } from '../src/repositories/media.decoder.js';

interface Figure {
  bench: string;
  dialect: string;
  metric: string;
  value: number | null;
  unit: string;
  goal?: string;
  met?: boolean;
  note?: string;
}

const HERE = path.dirname(fileURLToPath(import.meta.url));
const VECTORS = path.join(process.env.CWS_VECTORS_DIR ? path.resolve(process.env.CWS_VECTORS_DIR) : path.resolve(HERE, '..', '..', 'shared', 'vectors'), 'pdq');
const MATE = '/usr/share/backgrounds/mate';

function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const mb = (b: number) => Math.round((b / 1048576) * 10) / 10;

function sourcePhotos(): string[] {
  const out: string[] = [];
  if (existsSync(MATE)) for (const d of readdirSync(MATE)) for (const f of readdirSync(path.join(MATE, d))) if (/\.(jpe?g|png)$/i.test(f)) out.push(path.join(MATE, d, f));
  if (existsSync(VECTORS)) for (const d of readdirSync(VECTORS)) if (!d.endsWith('.csv')) for (const f of readdirSync(path.join(VECTORS, d))) out.push(path.join(VECTORS, d, f));
  return out.sort();
}

/** 100 JPEGs (long side 800–2400 px) made from the source photos, the same files for both implementations. */
async function makeJpegs(dir: string, n: number): Promise<string[]> {
  const src = sourcePhotos();
  if (src.length === 0) throw new Error('no source photos: install mate-backgrounds or provide ../shared/vectors');
  const r = rng(11);
  const files: string[] = [];
  for (let i = 0; i < n; i++) {
    const f = path.join(dir, `img-${String(i).padStart(3, '0')}.jpg`);
    const side = 800 + Math.floor(r() * 1600);
    await sharp(src[i % src.length]!).flatten({ background: '#fff' }).resize(side, side, { fit: 'inside' }).jpeg({ quality: 85 }).toFile(f);
    files.push(f);
  }
  return files;
}

async function pdqSpeed(quick: boolean, figures: Figure[]) {
  const dir = mkdtempSync(path.join(tmpdir(), 'cws-bench-pdq-'));
  try {
    const files = await makeJpegs(dir, 100);
    const decoder = new MediaDecoder();
    const hashOne = async (f: string) => {
      const img = await decoder.image(f);
      pdqFromPixels(img.pixels, img.width, img.height, img.channels);
    };
    const cpuMs: number[] = [];
    const runOnce = async () => {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      for (const f of files) await hashOne(f);
      const c = process.cpuUsage(c0);
      cpuMs.push((c.user + c.system) / 1000 / files.length);
      return files.length / ((performance.now() - t0) / 1000);
    };
    /** Two files in flight: libvips decodes the next while JavaScript hashes the current one (how the worker can run). */
    const runPipelined = async () => {
      const t0 = performance.now();
      let next = 0;
      await Promise.all([0, 1].map(async () => {
        while (next < files.length) await hashOne(files[next++]!);
      }));
      return files.length / ((performance.now() - t0) / 1000);
    };
    const ref = process.env.CWS_PDQ_REF && existsSync(process.env.CWS_PDQ_REF) ? process.env.CWS_PDQ_REF : null;
    const refCpuMs: number[] = [];
    const runRef = () => {
      const t0 = performance.now();
      // `times` prints the children's user and system CPU time after the reference has run.
      const out = execFileSync('sh', ['-c', `"$0" "$1" >/dev/null; times`, ref!, dir], { stdio: 'pipe' }).toString().trim().split('\n').pop() ?? '';
      const wall = performance.now() - t0;
      const m = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s/.exec(out);
      if (m) refCpuMs.push(((Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])) * 1000) / files.length);
      return files.length / (wall / 1000);
    };
    await runOnce(); // warm the file cache and the JIT
    if (ref) runRef();
    // Alternate the two implementations so that load from elsewhere on the machine hits both alike; keep each one's best.
    const ours: number[] = [];
    const refs: number[] = [];
    for (let i = 0; i < (quick ? 2 : 5); i++) {
      ours.push(await runOnce());
      if (ref) refs.push(runRef());
    }
    const pipelined = await runPipelined();
    const oursRate = Math.max(...ours);
    const refRate = ref ? Math.max(...refs) : null;
    const note = ref ? `reference: ${path.basename(ref)} (pdq/cpp, CImg with native libjpeg, -O3, single thread), same 100 JPEGs, wall clock incl. decode, best of ${refs.length} alternating runs` : 'CWS_PDQ_REF not set: Meta’s C++ reference not measured';
    const oursOneThread = pipelined;
    figures.push({ bench: 'fingerprint', dialect: '-', metric: 'PDQ images/s end to end (sharp decode + hash)', value: Math.round(oursRate * 10) / 10, unit: 'images/s', note: `one file at a time, best of ${ours.length}; with two files in flight (libvips decoding beside the JS hash, ${cpus().length} cores): ${Math.round(oursOneThread * 10) / 10}/s` });
    figures.push({ bench: 'fingerprint', dialect: '-', metric: 'PDQ images/s, Meta C++ reference', value: refRate === null ? null : Math.round(refRate * 10) / 10, unit: 'images/s', note });
    figures.push({ bench: 'fingerprint', dialect: '-', metric: 'PDQ speed ratio ours / reference (wall clock)', value: refRate === null ? null : Math.round((oursRate / refRate) * 100) / 100, unit: '×', goal: '≥ 1.0×', ...(refRate === null ? {} : { met: oursRate / refRate >= 1 }), note: `load average during the run: ${loadavg().map((x) => x.toFixed(1)).join(' ')}` });
    const oursCpu = Math.min(...cpuMs);
    const refCpu = refCpuMs.length ? Math.min(...refCpuMs) : null;
    figures.push({ bench: 'fingerprint', dialect: '-', metric: 'PDQ CPU time per image, ours / reference', value: Math.round(oursCpu * 100) / 100, unit: 'ms', note: refCpu === null ? 'reference not measured' : `reference ${refCpu.toFixed(2)} ms: speed ratio by CPU time ${(refCpu / oursCpu).toFixed(2)}× (robust to other load on the machine)` });
    figures.push({ bench: 'fingerprint', dialect: '-', metric: 'PDQ speed ratio ours / reference (CPU time)', value: refCpu === null ? null : Math.round((refCpu / oursCpu) * 100) / 100, unit: '×', goal: '≥ 1.0×', ...(refCpu === null ? {} : { met: refCpu / oursCpu >= 1 }) });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * 1M registered images as the registry holds them: each image indexed by two hashes (the whole
 * image and its inner region, src/fingerprint/pdq-crops.ts), in the RegistryIndex the service uses, so the memory figure is per image and
 * includes the file table (SHA-256 per file) the hits are reported with.
 */
function pdqLookup(quick: boolean, figures: Figure[]) {
  const N = quick ? 200_000 : 1_000_000;
  const r = rng(5);
  const rand = () => Uint32Array.from({ length: 8 }, () => Math.floor(r() * 2 ** 32));
  global.gc?.();
  const heap0 = process.memoryUsage();
  const reg = new RegistryIndex();
  const stored: Uint32Array[] = [];
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const w = rand();
    if (i % 1000 === 0) stored.push(w);
    reg.add({ sha256: i.toString(16).padStart(64, '0'), kind: 'image', pdq: wordsToHex(w), pdqExtra: [wordsToHex(rand())] });
  }
  reg.compact();
  const buildS = (performance.now() - t0) / 1000;
  global.gc?.();
  const heap1 = process.memoryUsage();
  const times: number[] = [];
  const queryTimes: number[] = [];
  let found = 0;
  const queries = 2000;
  for (let q = 0; q < queries; q++) {
    let w: Uint32Array;
    if (q % 2 === 0) {
      // A near copy (0–31 bits away) of a stored hash: must be found.
      w = Uint32Array.from(stored[q % stored.length]!);
      const flips = Math.floor(r() * 32);
      for (let k = 0; k < flips; k++) {
        const b = Math.floor(r() * 256);
        w[b >>> 5]! ^= 1 << (b & 31);
      }
    } else w = rand();
    const hex = wordsToHex(w);
    let t = performance.now();
    const hits = reg.searchImage([hex]);
    times.push(performance.now() - t);
    if (q % 2 === 0 && hits.length > 0) found++;
    // What a submission or a dropped image costs: its 8 rotations/mirrors and 14 crop probes searched together.
    if (q % 10 === 0) {
      const all = [hex, ...Array.from({ length: 21 }, () => wordsToHex(rand()))];
      t = performance.now();
      reg.searchImage(all);
      queryTimes.push(performance.now() - t);
    }
  }
  const p50 = pct(times, 50);
  const m = reg.memory();
  const perImage = m.images + m.files;
  figures.push({ bench: 'fingerprint', dialect: '-', metric: `PDQ lookup p50 among ${N / 1e6}M registered images (${(2 * N) / 1e6}M hashes), radius 31`, value: Math.round(p50 * 1000) / 1000, unit: 'ms', goal: '≤ 5 ms', met: p50 <= 5, note: `one hash: p95 ${pct(times, 95).toFixed(3)} ms, p99 ${pct(times, 99).toFixed(3)} ms; near copies found ${found}/${queries / 2}; a whole image query (8 dihedral + 14 crop-probe hashes) p50 ${pct(queryTimes, 50).toFixed(3)} ms, p95 ${pct(queryTimes, 95).toFixed(3)} ms; build ${buildS.toFixed(1)} s; uniform random hashes` });
  figures.push({ bench: 'fingerprint', dialect: '-', metric: `PDQ index memory, ${N / 1e6}M registered images (whole + inner-region hash each)`, value: mb(m.images), unit: 'MB', goal: '≤ 200 MB', met: mb(m.images) <= 200, note: `typed arrays counted: hashes, references, MIH tables; the file table (SHA-256 + kind per file, shared by every kind) adds ${mb(m.files)} MB: ${mb(perImage)} MB in all; process heap+arrays grew ${mb(heap1.heapUsed + heap1.arrayBuffers - heap0.heapUsed - heap0.arrayBuffers)} MB${global.gc ? '' : ' (run with --expose-gc for a settled figure)'}` });
}

const EDITS: Record<string, (img: Sharp, w: number, h: number) => Sharp> = {
  'resize 50 %': (i, w) => i.resize(Math.round(w / 2)),
  'JPEG quality 50': (i) => i.jpeg({ quality: 50 }),
  'crop 10 % (area, centred)': (i, w, h) => {
    const k = Math.sqrt(0.9);
    return i.extract({ left: Math.round((w * (1 - k)) / 2), top: Math.round((h * (1 - k)) / 2), width: Math.round(w * k), height: Math.round(h * k) });
  },
  'crop 10 % (left)': (i, w, h) => i.extract({ left: Math.round(w * 0.1), top: 0, width: w - Math.round(w * 0.1), height: h }),
  'crop 10 % (top)': (i, w, h) => i.extract({ left: 0, top: Math.round(h * 0.1), width: w, height: h - Math.round(h * 0.1) }),
  'crop 5 % (right)': (i, w, h) => i.extract({ left: 0, top: 0, width: Math.round(w * 0.95), height: h }),
  'crop 15 % (bottom)': (i, w, h) => i.extract({ left: 0, top: 0, width: w, height: Math.round(h * 0.85) }),
  'rotate 90°': (i) => i.rotate(90),
  'brightness +25 %': (i) => i.modulate({ brightness: 1.25 }),
  'watermark overlay': (i, w, h) => i.composite([{ input: Buffer.from(`<svg width="${w}" height="${h}"><text x="${w * 0.1}" y="${h * 0.85}" font-size="${Math.round(h / 10)}" fill="white" fill-opacity="0.6" font-family="sans-serif">© 版权所有 2026</text></svg>`) }]),
};

/** A picture with structure (overlapping shapes, a gradient) from SVG: unrelated images for the false-match count. */
async function synthetic(seed: number): Promise<Buffer> {
  const r = rng(seed);
  const w = 800;
  const h = 600;
  const c = () => Math.floor(r() * 255);
  const shapes = Array.from({ length: 30 }, () => `<circle cx="${r() * w}" cy="${r() * h}" r="${20 + r() * 150}" fill="rgb(${c()},${c()},${c()})" fill-opacity="0.7"/>`).join('');
  return sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="${w}" height="${h}" fill="rgb(${c()},${c()},${c()})"/>${shapes}</svg>`)).png().toBuffer();
}

const ONE_SIDED = (name: string) => /^crop \d+ % \((left|top|right|bottom)\)$/.test(name);

/**
 * Exactly what the registry compares (src/fingerprint/pdq-crops.ts): an edit matches when any hash it is searched
 * with (8 rotations/mirrors + 14 crop probes) is within 31 bits of a hash its original is indexed by (whole image,
 * inner region). False matches: every ordered pair of different pictures, the same way.
 */
async function robustness(figures: Figure[]) {
  // Distinct real photos: the nature set of mate-backgrounds and Meta's full-size test photos. (Its abstract and desktop
  // sets hold the same wallpaper at several sizes or tints, true duplicates; Meta's 256-px labelme thumbnails alias
  // under PDQ's 2-px box filter, see docs/fingerprint.md.)
  const photos = sourcePhotos().filter((p) => p.includes('/nature/') || /bridge-mods\/aaa-orig|pen-and-coaster|misc-images\/c\.png/.test(p));
  const decoder = new MediaDecoder();
  const prints: ReturnType<typeof imageMatchHashes>[] = [];
  const perEdit: Record<string, { n: number; hit: number; before: number }> = {};
  const hashBuf = async (buf: Buffer) => {
    const img = await decoder.image(buf);
    return imageMatchHashes(lumaFromPixels(img.pixels, img.width, img.height, img.channels), img.width, img.height);
  };
  for (const p of photos) {
    const img = await decoder.image(p);
    const luma = lumaFromPixels(img.pixels, img.width, img.height, img.channels);
    const orig = imageMatchHashes(luma, img.width, img.height);
    if (orig.quality < 50) continue;
    prints.push(orig);
    // The previous rule (whole image + centre 95 %, searched with the 8 rotations/mirrors only), for comparison.
    const c = centerCrop(luma, img.width, img.height, CROP_FACTOR);
    const before = [orig.indexed[0]!, pdqFromLuma(c.luma, c.width, c.height).hash];
    const base = await sharp(p).flatten({ background: '#fff' }).resize(1024, 1024, { fit: 'inside', withoutEnlargement: true }).png().toBuffer({ resolveWithObject: true });
    for (const [name, edit] of Object.entries(EDITS)) {
      const q = (await hashBuf(await edit(sharp(base.data), base.info.width, base.info.height).png().toBuffer())).query;
      const e = (perEdit[name] ??= { n: 0, hit: 0, before: 0 });
      e.n++;
      if (bestDistance(q, orig.indexed) <= PDQ_MATCH_DISTANCE) e.hit++;
      if (bestDistance(q.slice(0, 8), before) <= PDQ_MATCH_DISTANCE) e.before++;
    }
  }
  const realPhotos = prints.length;
  for (let s = 1; s <= 100; s++) prints.push(await hashBuf(await synthetic(1000 + s)));
  let pairs = 0;
  let falseMatches = 0;
  for (let i = 0; i < prints.length; i++)
    for (let j = 0; j < prints.length; j++) {
      if (i === j) continue;
      pairs++;
      if (bestDistance(prints[j]!.query, prints[i]!.indexed) <= PDQ_MATCH_DISTANCE) falseMatches++;
    }
  const sum = (f: (k: string) => boolean) => Object.entries(perEdit).filter(([k]) => f(k)).reduce((s, [, e]) => ({ n: s.n + e.n, hit: s.hit + e.hit, before: s.before + e.before }), { n: 0, hit: 0, before: 0 });
  const goalSet = sum((k) => !ONE_SIDED(k));
  const oneSided = sum(ONE_SIDED);
  const all = sum(() => true);
  const pctOf = (x: number, n: number) => Math.round((x / n) * 1000) / 10;
  figures.push({ bench: 'fingerprint', dialect: '-', metric: 'PDQ recall on the issue’s edit set (centred crop)', value: pctOf(goalSet.hit, goalSet.n), unit: '%', goal: '≥ 95 %', met: goalSet.hit / goalSet.n >= 0.95, note: `${goalSet.hit}/${goalSet.n} over ${realPhotos} real photos (previous rule ${goalSet.before}/${goalSet.n}); ${Object.entries(perEdit).map(([k, e]) => `${k} ${e.hit}/${e.n}`).join(', ')}` });
  figures.push({ bench: 'fingerprint', dialect: '-', metric: 'PDQ recall on one-sided crops (5–15 % from one side)', value: pctOf(oneSided.hit, oneSided.n), unit: '%', note: `${oneSided.hit}/${oneSided.n}; previous rule (whole + centre 95 % indexed, no probes) ${oneSided.before}/${oneSided.n}` });
  figures.push({ bench: 'fingerprint', dialect: '-', metric: 'PDQ recall, all edits incl. one-sided crops', value: pctOf(all.hit, all.n), unit: '%', goal: '≥ 95 %', met: all.hit / all.n >= 0.95, note: `${all.hit}/${all.n}; previous rule ${all.before}/${all.n}` });
  figures.push({ bench: 'fingerprint', dialect: '-', metric: 'PDQ false matches between unrelated pictures', value: Math.round((falseMatches / pairs) * 100000) / 1000, unit: '%', goal: '≤ 0.1 %', met: falseMatches / pairs <= 0.001, note: `${falseMatches} of ${pairs} ordered pairs of ${realPhotos} real photos and 100 synthetic pictures (search hashes of one vs indexed hashes of the other)` });
}

function textSearch(quick: boolean, figures: Figure[]) {
  const N = quick ? 20_000 : 100_000;
  const r = rng(9);
  const pool = '的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严';
  const sentence = () => Array.from({ length: 12 + Math.floor(r() * 20) }, () => pool[Math.floor(r() * pool.length)]).join('') + '。';
  const doc = (chars: number) => {
    let s = '';
    while (s.length < chars) s += sentence();
    return s;
  };
  const idx = new RegistryIndex();
  const texts: string[] = [];
  const keysOf = (t: string) => {
    const sigs = chunkSignatures(kgramHashes(normalizeText(t).text));
    const out = new Uint32Array(sigs.length * 16);
    sigs.forEach((s, i) => out.set(bandKeys(s), i * 16));
    return out;
  };
  const paper = doc(20 * 2500);
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    // A few registered documents reuse a passage of the paper, the rest are unrelated abstracts.
    const planted = i % (N / 5) === 7 ? Math.floor(i / (N / 5)) : -1;
    const t = planted >= 0 ? doc(400) + paper.slice(5_000 + planted * 9_000, 6_500 + planted * 9_000) + doc(400) : doc(1000);
    texts.push(t);
    idx.add({ sha256: i.toString(16).padStart(64, '0'), kind: 'text', bandKeys: keysOf(t) });
  }
  idx.compact();
  const buildS = (performance.now() - t0) / 1000;
  const runs: number[] = [];
  let hitsFound = 0;
  for (let k = 0; k < 3; k++) {
    const t = performance.now();
    const cands = idx.searchText(keysOf(paper));
    const pp = textPrint(paper);
    let found = 0;
    for (const c of cands.slice(0, 20)) {
      const cmp = comparePassages(pp, textPrint(texts[parseInt(c.sha256, 16)]!));
      if (cmp.passages.length > 0) found++;
    }
    runs.push(performance.now() - t);
    hitsFound = found;
  }
  const ms = Math.min(...runs);
  figures.push({ bench: 'fingerprint', dialect: '-', metric: `20-page paper (50k chars) vs ${N / 1000}k documents`, value: Math.round(ms), unit: 'ms', goal: '≤ 1000 ms', met: ms <= 1000, note: `planted copies found ${hitsFound}/5; text index ${mb(idx.memory().text)} MB; index build ${buildS.toFixed(0)} s` });
}

export async function fingerprintBench(o: { quick: boolean; only?: string[] }): Promise<{ method: string; results: unknown; figures: Figure[] }> {
  const figures: Figure[] = [];
  const want = (name: string) => !o.only || o.only.includes(name);
  if (want('speed')) await pdqSpeed(o.quick, figures);
  if (want('lookup')) pdqLookup(o.quick, figures);
  if (want('robustness')) await robustness(figures);
  if (want('text')) textSearch(o.quick, figures);
  return { method: 'bench/fingerprint.ts (see the header comment)', results: { node: process.version, cpus: cpus().length }, figures };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const quick = process.argv.includes('--quick');
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');
  const report = await fingerprintBench({ quick, ...(only ? { only } : {}) });
  const out = path.join(HERE, 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'fingerprint.json'), JSON.stringify({ ...report, at: new Date().toISOString() }, null, 2) + '\n');
  for (const f of report.figures) console.log(`${f.met === undefined ? ' ' : f.met ? '✓' : '✗'} ${f.metric}: ${f.value ?? 'n/a'} ${f.unit}${f.goal ? ` (goal ${f.goal})` : ''}${f.note ? `  — ${f.note}` : ''}`);
}
