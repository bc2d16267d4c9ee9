import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { covers, loadFace, parseFaceRanges, type FaceRanges, type FontFace } from '../documents/certificate-fonts.js';

const require = createRequire(import.meta.url);

/**
 * Noto Sans SC (SIL Open Font License 1.1) from the @fontsource/noto-sans-sc npm package: the
 * ~100 WOFF files of weight 400, each for one unicode-range. Files are read, converted and
 * parsed once, on first need, and kept for the life of the process, so a certificate loads only
 * the few files its characters fall in and later certificates reuse them.
 */
export class FontStore {
  private readonly dir: string;
  private readonly catalogue: FaceRanges[];
  private readonly loaded = new Map<string, Promise<FontFace>>();
  /** Code point → the first face whose unicode-range holds it (null: none). */
  private readonly faceOfCp = new Map<number, FaceRanges | null>();

  constructor(weight = 400) {
    const css = require.resolve(`@fontsource/noto-sans-sc/${weight}.css`);
    this.dir = path.join(path.dirname(css), 'files');
    this.catalogue = parseFaceRanges(readFileSync(css, 'utf8'));
    if (this.catalogue.length === 0) throw new Error(`no @font-face with a unicode-range in ${css}`);
  }

  /** The faces covering `text` (and `?`, the stand-in for characters no face has), in catalogue order. */
  async facesFor(text: string): Promise<FontFace[]> {
    const wanted = new Set<FaceRanges>();
    for (const ch of `${text}?`) {
      const cp = ch.codePointAt(0)!;
      let face = this.faceOfCp.get(cp);
      if (face === undefined) this.faceOfCp.set(cp, (face = this.catalogue.find((f) => covers(f, cp)) ?? null));
      if (face) wanted.add(face);
    }
    const order = this.catalogue.filter((f) => wanted.has(f));
    return Promise.all(order.map((f) => this.load(f)));
  }

  private load(f: FaceRanges): Promise<FontFace> {
    let p = this.loaded.get(f.key);
    if (!p) {
      p = readFile(path.join(this.dir, `${f.key}.woff`)).then((b) => loadFace(f, b));
      p.catch(() => this.loaded.delete(f.key));
      this.loaded.set(f.key, p);
    }
    return p;
  }
}
