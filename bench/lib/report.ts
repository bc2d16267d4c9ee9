export interface BenchOptions {
  quick: boolean;
  runs: number;
  /** Write a CPU profile of the in-process server during the measured runs (bench/results/*.cpuprofile). */
  profile: boolean;
  /** null when PostgreSQL is usable, otherwise why it is skipped. */
  pgSkip: string | null;
}

export interface Figure {
  bench: string;
  dialect: string;
  metric: string;
  value: number | null;
  unit: string;
  goal?: string;
  met?: boolean;
  note?: string;
}

export interface BenchReport {
  method: string;
  results: unknown;
  figures: Figure[];
  /** Failures (a non-201 answer, a crash…): the run exits non-zero when any bench has one. */
  errors?: string[];
}

export const DIALECTS = ['sqlite', 'postgres'] as const;
