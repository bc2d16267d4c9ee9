/**
 * The certificate's layout as a display list: pages of positioned text, lines, shapes and
 * images in PDF points (origin bottom-left), drawn by certificate-pdf.ts (the PDF) and
 * certificate-svg.ts (the PNG preview without poppler). Text wraps to its column and the flow
 * continues on new pages, so nothing leaves the page whatever the length of the fields.
 */
import QRCode from 'qrcode';
import type { FontSet } from './certificate-fonts.js';
import { defaultSealOps, SEAL_TEXT } from './certificate-seal.js';
import type { CertificateData } from './certificate.js';
import { LABEL_CHARACTERS, labels, formatDateEn, formatDateZh, formatRegistrationDateZh, formatSize, ownersText, publicationText } from './certificate-text.js';

export type Color = readonly [number, number, number];
export type Op =
  /** `y` is the baseline; `rotate` (degrees, counter-clockwise) turns the text about (x, y). */
  | { kind: 'text'; x: number; y: number; size: number; text: string; color: Color; rotate?: number }
  | { kind: 'rect'; x: number; y: number; w: number; h: number; fill?: Color; stroke?: Color; lineWidth?: number }
  | { kind: 'line'; x1: number; y1: number; x2: number; y2: number; color: Color; width: number }
  | { kind: 'circle'; cx: number; cy: number; r: number; stroke: Color; width: number }
  | { kind: 'polygon'; points: readonly (readonly [number, number])[]; fill: Color }
  /** Many filled rectangles in one path (the QR code's modules: one fill, not hundreds). */
  | { kind: 'rects'; rects: readonly (readonly [number, number, number, number])[]; fill: Color }
  | { kind: 'image'; x: number; y: number; w: number; h: number; png: Uint8Array };

export interface Page {
  width: number;
  height: number;
  ops: Op[];
}

/** Where the QR symbol sits (without its quiet zone), for tests that read it back. */
export interface QrPlacement {
  page: number;
  x: number;
  y: number;
  size: number;
  modules: number;
}

export interface Layout {
  pages: Page[];
  qr: QrPlacement;
}

export const A4 = { width: 595.28, height: 841.89 } as const;
const MARGIN = 50;
const BOTTOM = 62;
const LABEL_W = 128;
const BLACK: Color = [0.1, 0.1, 0.1];
const GREY: Color = [0.42, 0.42, 0.42];
const RED: Color = [0.72, 0.08, 0.08];
const FRAME: Color = [0.55, 0.12, 0.1];
const VALUE_SIZE = 10.5;
/** Values wrapping to more lines than this are set smaller, so a long field does not push the rest off the page. */
const SHRINK_AFTER_LINES = 4;
const SMALL_SIZE = 8.5;
const LEADING = 1.45;

/** Closing punctuation that may not begin a line (禁则). */
const NO_LINE_START = new Set([...'，。、；：？！）》」』】〕”’,.;:?!)]}%']);

/**
 * Greedy line breaking: CJK characters break anywhere, other words at spaces, and a token
 * wider than the line (a hash, a URL) is cut where it reaches the edge. Closing punctuation is
 * kept with the preceding character. `\n` starts a new line.
 */
export function wrapText(text: string, maxWidth: number, size: number, fonts: FontSet): string[] {
  const lines: string[] = [];
  for (const para of text.replace(/\r\n?/g, '\n').replace(/[\t\v\f]/g, ' ').split('\n')) {
    const tokens = para.match(/[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+\s*|\s+|./gsu) ?? [];
    let line = '';
    let width = 0;
    const push = () => {
      lines.push(line.trimEnd());
      line = '';
      width = 0;
    };
    for (const tok of tokens) {
      const w = fonts.width(tok, size);
      const glued = NO_LINE_START.has(tok[0]!) && line !== '';
      if (width + fonts.width(tok.trimEnd(), size) <= maxWidth || glued && width + w <= maxWidth + size) {
        line += tok;
        width += w;
        continue;
      }
      if (line.trim() !== '') push();
      if (/^\s+$/.test(tok)) continue;
      if (w <= maxWidth) {
        line = tok;
        width = w;
        continue;
      }
      for (const ch of tok) {
        const cw = fonts.width(ch, size);
        if (width + cw > maxWidth && line !== '') push();
        line += ch;
        width += cw;
      }
    }
    if (line.trim() !== '' || lines.length === 0 || para === '') push();
  }
  return lines;
}

class Flow {
  readonly pages: Page[] = [];
  y = 0;
  constructor(
    private readonly fonts: FontSet,
    private readonly continuation: string,
  ) {
    this.newPage();
  }

  get page(): Page {
    return this.pages[this.pages.length - 1]!;
  }

  newPage(): void {
    this.pages.push({ width: A4.width, height: A4.height, ops: [] });
    this.y = A4.height - MARGIN - 8;
    if (this.pages.length > 1) {
      this.text(MARGIN + 6, this.y, 9, this.continuation, GREY);
      this.y -= 22;
    }
  }

  /** Starts a new page unless `h` points still fit above the footer. */
  ensure(h: number): void {
    if (this.y - h < BOTTOM) this.newPage();
  }

  text(x: number, y: number, size: number, text: string, color: Color = BLACK): void {
    if (text) this.page.ops.push({ kind: 'text', x, y, size, text, color });
  }

  centered(y: number, size: number, text: string, color: Color = BLACK): void {
    this.text((A4.width - this.fonts.width(text, size)) / 2, y, size, text, color);
  }
}

/** Lays the certificate out on as many A4 pages as its content needs. */
export function layoutCertificate(data: CertificateData, fonts: FontSet): Layout {
  const L = labels;
  const flow = new Flow(fonts, `${L.continued.zh} ${L.continued.en} · ${data.registrationNumber}`);
  const left = MARGIN + 10;
  const valueX = left + LABEL_W;
  const valueW = A4.width - MARGIN - 10 - valueX;
  const fullW = A4.width - 2 * (MARGIN + 10);

  // Heading, as on the seed's certificate, with the English beneath.
  flow.y -= 22;
  flow.centered(flow.y, 28, L.heading.zh, FRAME);
  flow.y -= 20;
  flow.centered(flow.y, 10, L.heading.en, GREY);
  flow.y -= 26;
  const numberLine = `${L.number.zh} ${L.number.en}: ${data.registrationNumber}`;
  const numberSize = Math.min(13, (fullW / fonts.width(numberLine, 1)) * 0.98);
  flow.centered(flow.y, numberSize, numberLine);
  flow.y -= 12;
  flow.page.ops.push({ kind: 'line', x1: left, y1: flow.y, x2: A4.width - left, y2: flow.y, color: FRAME, width: 0.8 });
  flow.y -= 16;

  /** A labelled field: zh label over en label on the left, the value wrapped on the right. */
  const field = (label: { zh: string; en: string }, value: string) => {
    let size = VALUE_SIZE;
    let lines = wrapText(value || '—', valueW, size, fonts);
    if (lines.length > SHRINK_AFTER_LINES) {
      size = SMALL_SIZE;
      lines = wrapText(value, valueW, size, fonts);
    }
    const lh = size * LEADING;
    flow.ensure(Math.max(2 * lh, 22));
    flow.text(left, flow.y, 9.5, label.zh, BLACK);
    flow.text(left, flow.y - 9, 6.5, label.en, GREY);
    const labelBottom = flow.y - 16;
    const startPage = flow.pages.length;
    lines.forEach((line, i) => {
      if (i > 0) {
        flow.y -= lh;
        if (flow.y < BOTTOM) {
          flow.newPage();
          flow.text(left, flow.y, 8, `${label.zh}（${L.continued.zh}）`, GREY);
        }
      }
      flow.text(valueX, flow.y, size, line);
    });
    flow.y = (flow.pages.length === startPage ? Math.min(flow.y - lh, labelBottom) : flow.y - lh) - 4;
  };

  const paragraph = (text: string, size: number, color: Color = BLACK, indent = 0) => {
    const lh = size * LEADING;
    for (const line of wrapText(text, fullW - indent, size, fonts)) {
      flow.ensure(lh);
      flow.text(left + indent, flow.y, size, line, color);
      flow.y -= lh;
    }
  };

  const section = (label: { zh: string; en: string }) => {
    flow.ensure(54);
    flow.y -= 4;
    flow.text(left, flow.y, 12, label.zh, FRAME);
    flow.text(left + fonts.width(label.zh, 12) + 8, flow.y, 9, label.en, GREY);
    flow.y -= 6;
    flow.page.ops.push({ kind: 'line', x1: left, y1: flow.y, x2: A4.width - left, y2: flow.y, color: [0.8, 0.7, 0.68], width: 0.5 });
    flow.y -= 14;
  };

  field(L.title, data.title);
  field(L.category, `${data.category.zh}  ${data.category.en}`);
  field(L.authors, data.authors.join('、'));
  field(L.owners, ownersText(data.owners));
  field(L.completedOn, data.completedOn ? `${formatDateZh(data.completedOn)}  (${formatDateEn(data.completedOn)})` : '—');
  field(L.publication, publicationText(data.publication));
  field(L.applicant, data.applicant);
  field(L.institution, data.institution);
  field(L.registeredOn, `${formatRegistrationDateZh(data.registeredOn)}  (${formatDateEn(data.registeredOn)})`);

  flow.y -= 6;
  paragraph(L.statementZh(data.applicant, data.institution), 10.5);
  paragraph(L.statementEn(data.applicant, data.institution), 8.5, GREY);

  section(L.ai);
  if (!data.ai.used) {
    paragraph(L.aiNone, 9.5);
  } else {
    field(L.aiTools, data.ai.tools);
    field(L.aiClaimed, data.ai.claimedParts);
    field(L.aiExcluded, data.ai.excludedParts || '—');
  }

  section(L.files);
  data.files.forEach((f, i) => {
    const lh = 9 * LEADING;
    const head = wrapText(`${i + 1}. ${f.name}  (${formatSize(f.size)})`, fullW, 9, fonts);
    flow.ensure(lh * (head.length + 1));
    for (const line of head) {
      flow.text(left, flow.y, 9, line);
      flow.y -= lh;
    }
    flow.text(left + 12, flow.y, 8, `SHA-256  ${f.sha256}`, GREY);
    flow.y -= lh + 2;
  });

  section(L.log);
  field(L.logIndex, String(data.log.index));
  field(L.checkpoint, `${L.origin}: ${data.log.origin}\n${L.treeSize}: ${data.log.checkpointSize}\n${L.rootHash}: ${data.log.rootHash}`);

  // QR code and seal close the certificate, together on the last page.
  const qr = QRCode.create(data.verifyUrl, { errorCorrectionLevel: 'M' });
  const count = qr.modules.size;
  const qrSize = 84;
  flow.ensure(qrSize + 34);
  const blockTop = flow.y - 4;
  const qrX = left + 4;
  const qrY = blockTop - qrSize;
  const mod = qrSize / count;
  const modules: [number, number, number, number][] = [];
  for (let r = 0; r < count; r++) {
    let c = 0;
    while (c < count) {
      if (!qr.modules.get(r, c)) {
        c++;
        continue;
      }
      const start = c;
      while (c < count && qr.modules.get(r, c)) c++;
      modules.push([qrX + start * mod, qrY + (count - 1 - r) * mod, (c - start) * mod, mod]);
    }
  }
  flow.page.ops.push({ kind: 'rects', rects: modules, fill: [0, 0, 0] });
  const capX = qrX + qrSize + 12;
  const capW = A4.width / 2 - capX - 8;
  flow.text(capX, blockTop - 12, 10, L.scan.zh);
  flow.text(capX, blockTop - 24, 7.5, L.scan.en, GREY);
  wrapText(data.verifyUrl, capW, 7, fonts).slice(0, 5).forEach((line, i) => flow.text(capX, blockTop - 40 - i * 9, 7, line, GREY));

  const sealR = 50;
  const sealCx = A4.width - left - sealR + 4;
  const sealCy = blockTop - sealR + 2;
  const sealLabelX = A4.width / 2 + 4;
  flow.text(sealLabelX, blockTop - 12, 10, L.seal.zh);
  flow.text(sealLabelX, blockTop - 24, 7.5, L.seal.en, GREY);
  if (data.seal) {
    flow.page.ops.push({ kind: 'image', x: sealCx - sealR, y: sealCy - sealR, w: 2 * sealR, h: 2 * sealR, png: data.seal });
  } else {
    flow.page.ops.push(...defaultSealOps(data.institution, sealCx, sealCy, sealR, RED, fonts));
  }
  flow.text(sealLabelX, blockTop - 44, 9.5, formatRegistrationDateZh(data.registeredOn));
  const qrPlacement: QrPlacement = { page: flow.pages.length - 1, x: qrX, y: qrY, size: qrSize, modules: count };

  // Frame and footer on every page, now that the page count is known.
  const n = flow.pages.length;
  flow.pages.forEach((page, i) => {
    page.ops.unshift(
      { kind: 'rect', x: 24, y: 24, w: A4.width - 48, h: A4.height - 48, stroke: FRAME, lineWidth: 2.2 },
      { kind: 'rect', x: 30, y: 30, w: A4.width - 60, h: A4.height - 60, stroke: FRAME, lineWidth: 0.6 },
    );
    const foot = `${data.institution} · ${L.footer}    ${L.pageOf(i + 1, n)}`;
    const size = Math.min(7.5, ((A4.width - 2 * MARGIN) / fonts.width(foot, 1)) * 0.98);
    page.ops.push({ kind: 'text', x: (A4.width - fonts.width(foot, size)) / 2, y: 40, size, text: foot, color: GREY });
  });
  return { pages: flow.pages, qr: qrPlacement };
}

/** Every character the layout may draw, so the caller loads only the font files they need. */
export function certificateCharacters(data: CertificateData): string {
  const parts = [
    data.registrationNumber, data.title, data.category.zh, data.category.en, data.authors.join('、'), ownersText(data.owners),
    data.completedOn ? formatDateZh(data.completedOn) + formatDateEn(data.completedOn) : '', publicationText(data.publication), data.applicant, data.institution,
    formatRegistrationDateZh(data.registeredOn), formatDateEn(data.registeredOn), data.ai.tools, data.ai.claimedParts, data.ai.excludedParts,
    data.files.map((f) => `${f.name}${formatSize(f.size)}${f.sha256}`).join(''), data.log.origin, data.log.rootHash, data.verifyUrl,
    LABEL_CHARACTERS, SEAL_TEXT,
  ];
  return [...new Set(parts.join(''))].join('');
}
