import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { certificateCharacters, FontSet, layoutCertificate, renderCertificatePdf, renderCertificateSvg, wrapText, A4, type CertificateData, type FontFace } from '../../../src/documents/certificate.js';
import { formatRegistrationDateZh } from '../../../src/documents/certificate-text.js';
import { CertificateRasterizer, findPdftoppm, svgToPng } from '../../../src/repositories/certificate.rasterizer.js';
import { FontStore } from '../../../src/repositories/fonts.store.js';
import { pdfinfo, pdftotext, qrMatches, renderGrey, withPdf } from '../../support/certificate-read.js';

const store = new FontStore();
const base: CertificateData = {
  registrationNumber: '校作登字-2026-F-00000001',
  title: '你阅读的样子',
  category: { zh: '美术作品', en: 'Work of fine art' },
  authors: ['汪鑫雨'],
  owners: [{ name: '汪鑫雨', share: 100 }],
  completedOn: '2022-10-07',
  publication: { status: 'published', date: '2022-11-15', place: '北京' },
  applicant: '汪鑫雨',
  institution: '北京市版权保护中心',
  registeredOn: '2023-07-03',
  files: [{ name: '你阅读的样子.png', sha256: '5d41402abc4b2a76b9719d911017c592'.repeat(2), size: 204_800 }],
  ai: { used: false, tools: '', claimedParts: '', excludedParts: '' },
  log: { index: 17, origin: 'cws.example.edu/log', checkpointSize: 18, rootHash: 'OuqRmKn3JUQZ8ZNoIpQ4xgn2hUuSg6J/m7YbvGbnz6U=' },
  verifyUrl: 'https://cws.example.edu/verify/%E6%A0%A1%E4%BD%9C%E7%99%BB%E5%AD%97-2026-F-00000001',
  seal: null,
};

async function fontsFor(data: CertificateData): Promise<FontFace[]> {
  return store.facesFor(certificateCharacters(data));
}

/** Every text op's box stays inside the page frame (the inner border at 30 pt). */
function assertInsideFrame(data: CertificateData, faces: FontFace[]) {
  const fonts = new FontSet(faces);
  const layout = layoutCertificate(data, fonts);
  for (const page of layout.pages) {
    for (const op of page.ops) {
      if (op.kind !== 'text' || op.rotate) continue;
      expect(op.x).toBeGreaterThanOrEqual(30);
      expect(op.x + fonts.width(op.text, op.size)).toBeLessThanOrEqual(A4.width - 30 + 0.01);
      expect(op.y).toBeGreaterThanOrEqual(30);
      expect(op.y + op.size).toBeLessThanOrEqual(A4.height - 30);
    }
  }
  expect(fonts.missing.size).toBe(0);
  return layout;
}

describe('certificate layout', () => {
  let faces: FontFace[];
  beforeAll(async () => {
    faces = await fontsFor({ ...base, title: '——，。、：；“”《》（）abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 作品登记证书图书馆写生春日校园' });
  });

  it('wraps CJK anywhere, Latin at spaces, cuts a hash, keeps closing punctuation off a line start', () => {
    const fonts = new FontSet(faces);
    const max = 120;
    const text = '作品登记证书，图书馆写生春日校园。作品登记证书，图书馆写生春日校园。 abcdefghij klmnopqrstuvwxyz ' + 'ABCDEF0123456789'.repeat(5);
    const lines = wrapText(text, max, 10, fonts);
    expect(lines.length).toBeGreaterThan(4);
    for (const l of lines) {
      expect(fonts.width(l, 10)).toBeLessThanOrEqual(max + 10);
      expect(l[0]).not.toMatch(/[，。、]/);
    }
    expect(lines.join('').replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
    // Latin words are not cut when they fit a line.
    expect(lines.some((l) => /\babcdefghij\b/.test(l))).toBe(true);
    expect(wrapText('第一行\n\n第三行', 200, 10, fonts)).toEqual(['第一行', '', '第三行']);
  });

  it('fits a typical registration on one A4 page with the QR code and the seal', async () => {
    const layout = assertInsideFrame(base, await fontsFor(base));
    expect(layout.pages).toHaveLength(1);
    expect(layout.qr.page).toBe(0);
  });

  it('adds pages for a long title, many authors and files and a long AI statement, and never leaves the frame', async () => {
    const big: CertificateData = {
      ...base,
      title: '春日校园写生与图书馆一角的长篇组画'.repeat(12),
      authors: Array.from({ length: 50 }, (_, i) => `作者${i + 1}号 Author Number ${i + 1}`),
      owners: Array.from({ length: 50 }, (_, i) => ({ name: `著作权人${i + 1}`, share: 2 })),
      files: Array.from({ length: 20 }, (_, i) => ({ name: `第${i + 1}幅 very-long-file-name-without-any-spaces-at-all-${'x'.repeat(80)}.png`, sha256: 'ab'.repeat(32), size: 1000 * (i + 1) })),
      ai: { used: true, tools: 'Midjourney v6、Stable Diffusion XL', claimedParts: '作者完成了构图、线稿和上色。'.repeat(300), excludedParts: 'AI generated background textures. '.repeat(100) },
    };
    const layout = assertInsideFrame(big, await fontsFor(big));
    expect(layout.pages.length).toBeGreaterThan(3);
    expect(layout.qr.page).toBe(layout.pages.length - 1);
    const rendered = await renderCertificatePdf(big, await fontsFor(big));
    expect(rendered.missing).toEqual([]);
    await withPdf(rendered.pdf, async (file) => {
      expect(await pdfinfo(file)).toMatch(new RegExp(`Pages:\\s+${layout.pages.length}\\b`));
      const text = await pdftotext(file);
      expect(text).toContain(`第 ${layout.pages.length} / ${layout.pages.length} 页`);
      expect(text).toContain('作者50号');
    });
  });

  it('writes the registration date in Chinese numerals, as the seed certificate does', () => {
    expect(formatRegistrationDateZh('2023-07-03')).toBe('二〇二三年七月三日');
    expect(formatRegistrationDateZh('2026-11-25')).toBe('二〇二六年十一月二十五日');
    expect(formatRegistrationDateZh('2026-10-10')).toBe('二〇二六年十月十日');
  });
});

describe('certificate PDF and preview', () => {
  it('renders the same bytes for the same registration, with a readable QR code of the verify URL', async () => {
    const faces = await fontsFor(base);
    const a = await renderCertificatePdf(base, faces);
    const b = await renderCertificatePdf(base, await fontsFor(base));
    expect(Buffer.from(a.pdf).equals(Buffer.from(b.pdf))).toBe(true);
    await withPdf(a.pdf, async (file, dir) => {
      const text = await pdftotext(file);
      for (const s of ['作品登记证书', '京作登字'.replace('京', '校'), '你阅读的样子', '二〇二三年七月三日', base.files[0]!.sha256, base.log.rootHash, '北京市版权保护中心']) expect(text).toContain(s);
      expect(qrMatches(await renderGrey(file, dir, 1, 200), base.verifyUrl)).toMatchObject({ ok: true, mismatches: 0 });
    });
  });

  it('embeds a configured seal image instead of the drawn one', async () => {
    const seal = await sharp({ create: { width: 200, height: 200, channels: 4, background: { r: 200, g: 0, b: 0, alpha: 1 } } }).png().toBuffer();
    const withSeal = await renderCertificatePdf({ ...base, seal: new Uint8Array(seal) }, await fontsFor(base));
    const drawn = await renderCertificatePdf(base, await fontsFor(base));
    expect(withSeal.layout.pages[0]!.ops.some((o) => o.kind === 'image')).toBe(true);
    expect(drawn.layout.pages[0]!.ops.some((o) => o.kind === 'image')).toBe(false);
    await withPdf(withSeal.pdf, async (file, dir) => {
      const img = await renderGrey(file, dir, 1, 40);
      expect(img.width).toBeGreaterThan(0);
    });
  });

  it.skipIf(!findPdftoppm())('draws the same page from SVG (no poppler) as pdftoppm does from the PDF', async () => {
    const faces = await fontsFor(base);
    const { pdf } = await renderCertificatePdf(base, faces);
    const viaPoppler = await new CertificateRasterizer().preview(pdf, () => renderCertificateSvg(base, faces));
    const viaSvg = await new CertificateRasterizer(null).preview(pdf, () => renderCertificateSvg(base, faces));
    expect([viaPoppler.renderer, viaSvg.renderer]).toEqual(['pdftoppm', 'svg']);
    const grey = async (png: Buffer) => sharp(png).greyscale().resize(250, 354, { fit: 'fill' }).raw().toBuffer();
    const [p, s] = [await grey(viaPoppler.png), await grey(viaSvg.png)];
    expect((await sharp(viaSvg.png).metadata()).width).toBe(1000);
    let diff = 0;
    for (let i = 0; i < p.length; i++) diff += Math.abs(p[i]! - s[i]!);
    // Mean difference per pixel (0–255) after downscaling: anti-aliasing only.
    expect(diff / p.length).toBeLessThan(4);
    // And it is not trivially equal to a blank page.
    const blank = await grey(await svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="595.28" height="841.89"><rect width="100%" height="100%" fill="#fff"/></svg>'));
    let blankDiff = 0;
    for (let i = 0; i < p.length; i++) blankDiff += Math.abs(p[i]! - blank[i]!);
    expect(blankDiff / p.length).toBeGreaterThan(10);
  });
});
