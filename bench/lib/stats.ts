/** Small statistics helpers: the machine is shared and noisy, so we report medians and percentiles. */

export const round = (x: number, digits = 2): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/** Linear-interpolated quantile (q in 0..1) of an already sorted array. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (pos - lo);
}

export function median(xs: readonly number[]): number {
  return quantileSorted([...xs].sort((a, b) => a - b), 0.5);
}

export interface Summary {
  n: number;
  mean: number;
  min: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function summarize(xs: readonly number[], digits = 2): Summary {
  const s = [...xs].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / (s.length || 1);
  return {
    n: s.length,
    mean: round(mean, digits),
    min: round(s[0] ?? Number.NaN, digits),
    p50: round(quantileSorted(s, 0.5), digits),
    p95: round(quantileSorted(s, 0.95), digits),
    p99: round(quantileSorted(s, 0.99), digits),
    max: round(s[s.length - 1] ?? Number.NaN, digits),
  };
}

/** Milliseconds since `start` (a process.hrtime.bigint() value). */
export const msSince = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;
