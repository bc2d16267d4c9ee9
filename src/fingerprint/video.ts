import { hamming, hexToWords, PDQ_MATCH_DISTANCE, PDQ_MIN_QUALITY, type PdqWords } from './pdq.js';

/** One sampled frame: its time, PDQ hash and quality. */
export interface VideoFrame {
  t: number;
  hash: string;
  quality: number;
}

/**
 * vPDQ-style frame list: frames too flat to hash (quality below PDQ_MIN_QUALITY) are
 * dropped, and runs of near-identical consecutive frames (a still shot) are kept once.
 */
export function distinctFrames(frames: VideoFrame[], sameWithin = 4): VideoFrame[] {
  const out: VideoFrame[] = [];
  let last: PdqWords | null = null;
  for (const fr of frames) {
    if (fr.quality < PDQ_MIN_QUALITY) continue;
    const w = hexToWords(fr.hash);
    if (last && hamming(last, w) <= sameWithin) continue;
    out.push(fr);
    last = w;
  }
  return out;
}

export interface VideoComparison {
  /** Share of A's distinct frames with a frame of B within the distance (0..1). */
  matchA: number;
  matchB: number;
  /** Pairs of matched frame times (A's time, B's time), at most 50. */
  pairs: { tA: number; tB: number; distance: number }[];
}

/** Compares two frame lists the vPDQ way: the share of each side's frames that find a partner within `distance`. */
export function compareVideos(a: VideoFrame[], b: VideoFrame[], distance = PDQ_MATCH_DISTANCE): VideoComparison {
  const wa = a.map((f) => hexToWords(f.hash));
  const wb = b.map((f) => hexToWords(f.hash));
  const matchedB = new Uint8Array(b.length);
  let hitsA = 0;
  const pairs: VideoComparison['pairs'] = [];
  for (let i = 0; i < wa.length; i++) {
    let best = -1;
    let bestD = distance + 1;
    for (let j = 0; j < wb.length; j++) {
      const d = hamming(wa[i]!, wb[j]!);
      if (d <= distance) {
        matchedB[j] = 1;
        if (d < bestD) {
          bestD = d;
          best = j;
        }
      }
    }
    if (best >= 0) {
      hitsA++;
      if (pairs.length < 50) pairs.push({ tA: a[i]!.t, tB: b[best]!.t, distance: bestD });
    }
  }
  const hitsB = matchedB.reduce((s, v) => s + v, 0);
  return { matchA: wa.length ? hitsA / wa.length : 0, matchB: wb.length ? hitsB / wb.length : 0, pairs };
}

/** vPDQ's rule here: a match when most (≥ half) of either video's distinct frames are found in the other. */
export const VIDEO_MATCH_SHARE = 0.5;
