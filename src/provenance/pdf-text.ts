/**
 * The text layer of a PDF for the text detector, with pdf.js (unpdf) in-process. Bounded:
 * page count, characters kept, input size and wall-clock time; a hostile or encrypted PDF
 * gives a reason, never a throw.
 */
export interface PdfTextLimits {
  maxBytes: number;
  maxPages: number;
  maxChars: number;
  timeoutMs: number;
}

/** The detector scores at most 50 000 characters; a little more is kept for the text markers at the end. */
export const PDF_TEXT_LIMITS: PdfTextLimits = { maxBytes: 128 * 1024 * 1024, maxPages: 500, maxChars: 200_000, timeoutMs: 30_000 };

export type PdfText = { ok: true; text: string; pages: number; pagesRead: number; truncated: boolean } | { ok: false; reason: 'encrypted' | 'malformed' | 'too_large' | 'timeout'; message: string };

interface TextItem {
  str?: string;
  hasEOL?: boolean;
  height?: number;
  transform?: number[];
}

const CJK = /[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]/;

/**
 * Joins the typeset lines of a page back into paragraphs. The detector reads a line break as
 * the end of a sentence, so a paragraph wrapped into ten lines would look like ten short
 * sentences: lines are joined (with a space, or nothing between two CJK characters) unless
 * the gap to the next line is clearly larger than the line height (a paragraph break).
 */
export function reflow(items: TextItem[]): string {
  const lines: { text: string; y: number; h: number }[] = [];
  let cur = '';
  let y = 0;
  let h = 0;
  for (const it of items) {
    if (it.str) {
      if (!cur) {
        y = it.transform?.[5] ?? 0;
        h = Math.abs(it.height ?? it.transform?.[3] ?? 0);
      }
      cur += it.str;
    }
    if (it.hasEOL && cur) {
      lines.push({ text: cur.trim(), y, h });
      cur = '';
    }
  }
  if (cur.trim()) lines.push({ text: cur.trim(), y, h });
  let out = '';
  lines.forEach((l, i) => {
    if (i === 0) {
      out = l.text;
      return;
    }
    const prev = lines[i - 1]!;
    const gap = prev.y - l.y;
    const lineH = Math.max(prev.h, l.h, 1);
    if (!l.text) return;
    if (gap <= 0 || gap > 1.8 * lineH) out += `\n\n${l.text}`;
    else out += (CJK.test(out.slice(-1)) && CJK.test(l.text[0]!) ? '' : ' ') + l.text;
  });
  return out;
}

export async function pdfText(bytes: Uint8Array, limits: PdfTextLimits = PDF_TEXT_LIMITS): Promise<PdfText> {
  if (bytes.length > limits.maxBytes) return { ok: false, reason: 'too_large', message: `PDFs over ${Math.round(limits.maxBytes / 1048576)} MiB are not read for text` };
  const { getDocumentProxy } = await import('unpdf');
  let doc: Awaited<ReturnType<typeof getDocumentProxy>> | undefined;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<PdfText>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, reason: 'timeout', message: `text extraction took longer than ${Math.round(limits.timeoutMs / 1000)} s` }), limits.timeoutMs);
  });
  const work = (async (): Promise<PdfText> => {
    try {
      // pdf.js takes ownership of the buffer it is given: hand it a copy, never the caller's bytes.
      doc = await getDocumentProxy(new Uint8Array(bytes), { isEvalSupported: false, useSystemFonts: false, disableFontFace: true, stopAtErrors: false, verbosity: 0 } as never);
    } catch (e) {
      const err = e as Error;
      if (err.name === 'PasswordException' || /password/i.test(err.message)) return { ok: false, reason: 'encrypted', message: 'the PDF is password-protected; its text cannot be read' };
      return { ok: false, reason: 'malformed', message: `pdf.js could not open the PDF (${err.message.slice(0, 200)})` };
    }
    const pages = doc.numPages;
    const parts: string[] = [];
    let chars = 0;
    let i = 1;
    try {
      for (; i <= Math.min(pages, limits.maxPages) && chars < limits.maxChars; i++) {
        const page = await doc.getPage(i);
        const content = await page.getTextContent();
        const t = reflow(content.items as TextItem[]);
        parts.push(t);
        chars += t.length;
        page.cleanup();
      }
    } catch (e) {
      if (!parts.length) return { ok: false, reason: 'malformed', message: `the PDF's pages could not be read (${(e as Error).message.slice(0, 200)})` };
    }
    const text = parts.join('\n\n');
    return { ok: true, text: text.slice(0, limits.maxChars), pages, pagesRead: i - 1, truncated: text.length > limits.maxChars || i - 1 < pages };
  })();
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
    // a timed-out extraction is abandoned; destroying the document stops pdf.js from going on
    void work.finally(() => doc?.destroy().catch(() => undefined));
  }
}
