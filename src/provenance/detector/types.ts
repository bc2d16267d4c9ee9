import type { TextVerdict } from '../types.js';

/** One interface, several implementations: the built-in statistical detector and an adapter to a log-probability endpoint. */
export interface TextDetector {
  readonly name: string;
  detect(text: string): Promise<TextVerdict>;
}

/** Texts shorter than this get a score with a "too short" note: the evidence is thin. */
export const MIN_CHARS = { zh: 80, en: 300 } as const;
/** Only the first part of a very long text is scored (cost bound). */
export const MAX_DETECT_CHARS = 50_000;
