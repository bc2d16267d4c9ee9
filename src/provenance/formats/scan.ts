import type { Problem } from '../types.js';

/** One place in a file that may carry a provenance trace, as found by a container reader. */
export type Carrier =
  | { type: 'xmp'; location: string; packet: string }
  | { type: 'aigc'; location: string; value: string }
  | { type: 'exif'; location: string; tiff: Uint8Array }
  | { type: 'field'; location: string; key: string; value: string }
  | { type: 'c2pa'; location: string };

export interface Scan {
  format: string;
  mediaType: string;
  carriers: Carrier[];
  problems: Problem[];
  /** Body text, for formats that hold text (plain text, Markdown, DOCX). */
  text?: string;
}

export const newScan = (format: string, mediaType: string): Scan => ({ format, mediaType, carriers: [], problems: [] });

export function fileProblem(scan: Scan, code: string, message: string, location?: string, severity: Problem['severity'] = 'error'): void {
  scan.problems.push({ code, severity, message, ...(location ? { location } : {}) });
}

/** Inflated metadata is capped: a small zip bomb must not take the process down. */
export const MAX_INFLATE = 16 * 1024 * 1024;
