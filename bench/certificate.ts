/**
 * Registration certificate rendering (docs/certificate.md).
 *
 *   npx tsx bench/certificate.ts [--quick]    # → bench/results/certificate.json
 *   npm run bench -- --only certificate
 *
 * Measures, in one process and one run: the first (cold) render, then the p50/p95 of renders
 * with the fonts kept warm — character analysis, font selection, layout, PDF with embedded
 * font subsets — for a one-page and a three-page certificate; the same one-page render reading,
 * converting and parsing its WOFF files every time, to show what the font cache is worth; and
 * the PNG preview via pdftoppm and via SVG + sharp.
 */
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { certificateCharacters, loadFace, renderCertificatePdf, renderCertificateSvg, type CertificateData, type FontFace } from '../src/documents/certificate.js';
import { CertificateRasterizer, findPdftoppm } from '../src/repositories/certificate.rasterizer.js';
import { FontStore } from '../src/repositories/fonts.store.js';
import { machine, RESULTS_DIR } from './lib/env.js';
import type { BenchOptions, BenchReport, Figure } from './lib/report.js';
import { round, summarize } from './lib/stats.js';

const GOAL_P50_MS = 100;

const typical: CertificateData = {
  registrationNumber: '校作登字-2026-F-00000001',
  title: '你阅读的样子——图书馆写生',
  category: { zh: '美术作品', en: 'Work of fine art' },
  authors: ['汪鑫雨', '李同学'],
  owners: [{ name: '汪鑫雨', share: 70 }, { name: '示范大学', share: 30 }],
  completedOn: '2026-03-01',
  publication: { status: 'published', date: '2026-04-15', place: '北京' },
  applicant: '汪鑫雨',
  institution: '版权工作站示范大学图书馆',
  registeredOn: '2026-11-25',
  files: [
    { name: '写生.png', sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', size: 2_345_678 },
    { name: '草图.jpg', sha256: '60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752', size: 845_120 },
  ],
  ai: { used: true, tools: 'Stable Diffusion XL', claimedParts: '构图、线稿与上色由作者完成', excludedParts: '背景纹理由 AI 生成，不主张权利' },
  log: { index: 1234, origin: 'cws.example.edu/log', checkpointSize: 1240, rootHash: 'OuqRmKn3JUQZ8ZNoIpQ4xgn2hUuSg6J/m7YbvGbnz6U=' },
  verifyUrl: 'https://cws.example.edu/verify/%E6%A0%A1%E4%BD%9C%E7%99%BB%E5%AD%97-2026-F-00000001',
  seal: null,
};

const large: CertificateData = {
  ...typical,
  title: '春日校园写生与图书馆一角的长篇组画'.repeat(6),
  authors: Array.from({ length: 30 }, (_, i) => `作者${i + 1}号`),
  files: Array.from({ length: 20 }, (_, i) => ({ name: `第${i + 1}幅组画.png`, sha256: (i + 10).toString(16).repeat(64).slice(0, 64), size: 100_000 * (i + 1) })),
  ai: { ...typical.ai, claimedParts: '作者完成了构图、线稿和上色。'.repeat(120) },
};

/** CPU time of the process per render, beside the wall clock: the machine is shared, and CPU time is what the render costs. */
const cpuMs: number[] = [];

async function timeRenders(n: number, render: () => Promise<unknown>): Promise<number[]> {
  const ms: number[] = [];
  cpuMs.length = 0;
  for (let i = 0; i < n; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    await render();
    ms.push(performance.now() - t);
    const d = process.cpuUsage(c);
    cpuMs.push((d.user + d.system) / 1000);
  }
  return ms;
}

export async function certificate(opts: Pick<BenchOptions, 'quick'>): Promise<BenchReport> {
  const figures: Figure[] = [];
  const n = opts.quick ? 20 : 80;
  const store = new FontStore();
  const render = async (d: CertificateData) => renderCertificatePdf(d, await store.facesFor(certificateCharacters(d)));

  const t = performance.now();
  const first = await render(typical);
  const coldMs = performance.now() - t;
  for (let i = 0; i < 5; i++) await render(typical);

  const one = summarize(await timeRenders(n, () => render(typical)));
  const oneCpu = summarize(cpuMs);
  const big = await render(large);
  const four = summarize(await timeRenders(Math.ceil(n / 4), () => render(large)));

  // Without the font cache: every render reads its WOFF files' bytes, converts and parses them.
  // (fontkit cannot even take some of them as shipped: it fails to decode the cmap of
  // noto-sans-sc-101, so the conversion to SFNT is not optional.)
  const dir = path.join(path.dirname(createRequire(import.meta.url).resolve('@fontsource/noto-sans-sc/400.css')), 'files');
  const warm = await store.facesFor(certificateCharacters(typical));
  const naive = summarize(await timeRenders(Math.ceil(n / 4), async () => {
    const faces: FontFace[] = await Promise.all(warm.map(async (f) => loadFace(f, await readFile(path.join(dir, `${f.key}.woff`)))));
    return renderCertificatePdf(typical, faces);
  }));

  figures.push({ bench: 'certificate', dialect: '-', metric: 'certificate PDF p50 (1 page, fonts warm)', value: round(one.p50, 1), unit: 'ms', goal: `≤ ${GOAL_P50_MS} ms`, met: one.p50 <= GOAL_P50_MS, note: `p95 ${round(one.p95, 1)} ms over ${one.n} renders; ${first.pdf.length} bytes, ${warm.length} font subsets` });
  figures.push({ bench: 'certificate', dialect: '-', metric: 'certificate PDF p50 CPU time (1 page, fonts warm)', value: round(oneCpu.p50, 1), unit: 'ms', goal: `≤ ${GOAL_P50_MS} ms`, met: oneCpu.p50 <= GOAL_P50_MS, note: `process CPU time per render (GC included); load average ${machine().loadAverage.join(' ')} during the run` });
  figures.push({ bench: 'certificate', dialect: '-', metric: `certificate PDF p50 (${big.pageCount} pages: 20 files, 30 authors, long AI statement)`, value: round(four.p50, 1), unit: 'ms', note: `${big.pageCount} pages, ${big.pdf.length} bytes` });
  figures.push({ bench: 'certificate', dialect: '-', metric: 'first certificate of the process (cold: fonts read, converted, parsed)', value: round(coldMs, 0), unit: 'ms' });
  figures.push({ bench: 'certificate', dialect: '-', metric: 'certificate PDF p50 without the font cache (WOFF read, converted, parsed per render)', value: round(naive.p50, 1), unit: 'ms', note: `cached is ${round(naive.p50 / one.p50, 1)}× faster in this run` });

  const faces = await store.facesFor(certificateCharacters(typical));
  const previews: Record<string, unknown> = {};
  for (const r of [new CertificateRasterizer(), new CertificateRasterizer(null)]) {
    if (r.renderer === 'pdftoppm' && !findPdftoppm()) continue;
    const s = summarize(await timeRenders(opts.quick ? 5 : 15, () => r.preview(first.pdf, () => renderCertificateSvg(typical, faces))));
    previews[r.renderer] = s;
    figures.push({ bench: 'certificate', dialect: '-', metric: `PNG preview p50 via ${r.renderer === 'pdftoppm' ? 'pdftoppm (poppler)' : 'SVG + sharp (no poppler)'}`, value: round(s.p50, 1), unit: 'ms' });
  }
  return {
    method: 'bench/certificate.ts (see the header comment): sequential renders in one process, wall clock',
    results: { onePage: one, onePageCpu: oneCpu, multiPage: four, woffEveryRender: naive, coldMs: round(coldMs, 1), previews, pdfBytes: first.pdf.length, fontSubsets: warm.length, loadAverage: machine().loadAverage },
    figures,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const report = await certificate({ quick: process.argv.includes('--quick') });
  await mkdir(RESULTS_DIR, { recursive: true });
  await writeFile(path.join(RESULTS_DIR, 'certificate.json'), JSON.stringify({ name: 'certificate', machine: machine(), date: new Date().toISOString(), ...report }, null, 2) + '\n');
  for (const f of report.figures) console.log(`${f.met === undefined ? ' ' : f.met ? '✓' : '✗'} ${f.metric}: ${f.value ?? 'n/a'} ${f.unit}${f.goal ? ` (goal ${f.goal})` : ''}${f.note ? `  — ${f.note}` : ''}`);
}
