import { U32MultiMap } from './multimap.js';
import { PdqIndex } from './pdq-index.js';
import { PDQ_MATCH_DISTANCE } from './pdq.js';

export type PrintKind = 'image' | 'audio' | 'video' | 'text';

/** What the index keeps of one registered file: only search keys, never the content. */
export interface IndexEntry {
  sha256: string;
  kind: PrintKind;
  /** image: its PDQ hash (only hashes of quality ≥ 50 are worth indexing). */
  pdq?: string;
  /** image: more hashes of the same file (its inner region; the centre 95 % for rows made before), under the same file number. */
  pdqExtra?: string[];
  /** video: PDQ of its distinct frames. */
  frames?: string[];
  /** audio: keys from audioIndexKeys(). */
  audioKeys?: number[];
  /** text: LSH band keys of every chunk signature. */
  bandKeys?: Uint32Array;
}

export interface Candidate {
  sha256: string;
  kind: PrintKind;
  /** image: best PDQ distance; video/audio/text: number of key hits. */
  score: number;
  /** image: which dihedral variant of the query matched. */
  variant?: number;
}

/**
 * Every registered file's search keys in memory: PDQ by multi-index hashing, video frames
 * likewise, audio by fingerprint keys, text by MinHash-LSH band keys. Files are numbered
 * in the order added; their SHA-256 is kept as 32 bytes per file.
 */
export class RegistryIndex {
  private readonly images = new PdqIndex();
  private readonly videoFrames = new PdqIndex();
  private readonly audio = new U32MultiMap();
  private readonly text = new U32MultiMap();
  private shaBytes = new Uint8Array(32 * 1024);
  private kinds = new Uint8Array(1024);
  private n = 0;

  get size(): number {
    return this.n;
  }

  add(e: IndexEntry): void {
    const slot = this.slot(e.sha256, e.kind);
    // The same hash twice for one file (a crop that changed nothing) would only cost memory.
    for (const h of new Set([...(e.pdq ? [e.pdq] : []), ...(e.pdqExtra ?? [])].map((x) => x.toLowerCase()))) this.images.add(h, slot);
    for (const h of e.frames ?? []) this.videoFrames.add(h, slot);
    for (const k of e.audioKeys ?? []) this.audio.add(k, slot);
    if (e.bandKeys) for (const k of new Set(e.bandKeys)) this.text.add(k, slot);
  }

  compact(): void {
    this.images.compact();
    this.videoFrames.compact();
    this.audio.compact();
    this.text.compact();
  }

  /** Images within `radius` of any of the query's hashes (pass the 8 dihedral hashes to find rotated and mirrored copies). */
  searchImage(hashes: string[], radius = PDQ_MATCH_DISTANCE): Candidate[] {
    const best = new Map<number, { d: number; v: number }>();
    hashes.forEach((h, v) => {
      for (const hit of this.images.search(h, radius)) {
        const cur = best.get(hit.ref);
        if (!cur || hit.distance < cur.d) best.set(hit.ref, { d: hit.distance, v });
      }
    });
    // A file added again (its fingerprint recomputed) holds two slots until the index is rebuilt: report it once, at its best.
    const bySha = new Map<string, Candidate>();
    for (const [slot, b] of best) {
      const sha256 = this.sha(slot);
      const cur = bySha.get(sha256);
      if (!cur || b.d < cur.score || (b.d === cur.score && b.v < cur.variant!)) bySha.set(sha256, { sha256, kind: 'image', score: b.d, variant: b.v });
    }
    return [...bySha.values()].sort((a, b) => a.score - b.score);
  }

  /** Videos sharing at least `minFrames` frames (within `radius`) with the query's frames. */
  searchVideo(frames: string[], minFrames = 1, radius = PDQ_MATCH_DISTANCE): Candidate[] {
    const count = new Map<number, number>();
    for (const h of frames) {
      const seen = new Set<number>();
      for (const hit of this.videoFrames.search(h, radius)) seen.add(hit.ref);
      for (const s of seen) count.set(s, (count.get(s) ?? 0) + 1);
    }
    return this.ranked(count, minFrames, 'video');
  }

  searchAudio(keys: number[], minHits = 3): Candidate[] {
    const count = new Map<number, number>();
    for (const k of keys) this.audio.forEach(k, (s) => count.set(s, (count.get(s) ?? 0) + 1));
    return this.ranked(count, minHits, 'audio');
  }

  /** Texts with at least `minHits` chunk bands in common with the query (one band in common is already a likely candidate). */
  searchText(bandKeys: Uint32Array, minHits = 1): Candidate[] {
    const count = new Map<number, number>();
    for (const k of new Set(bandKeys)) this.text.forEach(k, (s) => count.set(s, (count.get(s) ?? 0) + 1));
    return this.ranked(count, minHits, 'text');
  }

  memory(): { images: number; videoFrames: number; audio: number; text: number; files: number; total: number } {
    const m = { images: this.images.memoryBytes(), videoFrames: this.videoFrames.memoryBytes(), audio: this.audio.memoryBytes(), text: this.text.memoryBytes(), files: this.shaBytes.byteLength + this.kinds.byteLength };
    return { ...m, total: m.images + m.videoFrames + m.audio + m.text + m.files };
  }

  private ranked(count: Map<number, number>, min: number, kind: PrintKind): Candidate[] {
    const seen = new Set<string>();
    const out: Candidate[] = [];
    for (const [slot, c] of [...count.entries()].filter(([, c]) => c >= min).sort((a, b) => b[1] - a[1])) {
      const sha256 = this.sha(slot);
      if (seen.has(sha256)) continue; // added again: the best-ranked slot speaks for the file
      seen.add(sha256);
      out.push({ sha256, kind, score: c });
      if (out.length === 200) break;
    }
    return out;
  }

  private slot(sha256: string, kind: PrintKind): number {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new RangeError('sha256 must be 64 lower-case hex digits');
    if (this.n * 32 === this.shaBytes.length) {
      const b = new Uint8Array(this.shaBytes.length * 2);
      b.set(this.shaBytes);
      this.shaBytes = b;
      const k = new Uint8Array(this.kinds.length * 2);
      k.set(this.kinds);
      this.kinds = k;
    }
    const slot = this.n++;
    this.shaBytes.set(Buffer.from(sha256, 'hex'), slot * 32);
    this.kinds[slot] = KIND_CODES.indexOf(kind);
    return slot;
  }

  private sha(slot: number): string {
    return Buffer.from(this.shaBytes.buffer, this.shaBytes.byteOffset + slot * 32, 32).toString('hex');
  }
}

const KIND_CODES: PrintKind[] = ['image', 'audio', 'video', 'text'];
