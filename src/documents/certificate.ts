/**
 * The registration certificate (作品登记证书, docs/certificate.md): the seed certificate's
 * fields in Chinese and English, plus what makes it checkable — each file's SHA-256, the AI-use
 * statement, the registry-log index with the signed checkpoint covering it, and a QR code to
 * the public verify page. Pure: values and font bytes in, PDF bytes (or SVG text) out.
 */
import { FontSet, type FontFace } from './certificate-fonts.js';
import { layoutCertificate, type Layout } from './certificate-layout.js';
import { pagesToPdf } from './certificate-pdf.js';
import { pageToSvg } from './certificate-svg.js';

/** Bump when the layout changes: cached certificates of an older layout are rendered again. */
export const CERTIFICATE_LAYOUT_VERSION = 1;

export interface CertificateData {
  registrationNumber: string;
  title: string;
  category: { zh: string; en: string };
  authors: string[];
  owners: { name: string; share: number }[];
  /** YYYY-MM-DD, or '' when not given. */
  completedOn: string;
  publication: { status: 'unpublished' } | { status: 'published'; date: string; place: string };
  applicant: string;
  institution: string;
  /** YYYY-MM-DD in the institution's time zone. */
  registeredOn: string;
  files: { name: string; sha256: string; size: number }[];
  ai: { used: boolean; tools: string; claimedParts: string; excludedParts: string };
  /** The approval's log entry and the checkpoint that covers it (root hash base64). */
  log: { index: number; origin: string; checkpointSize: number; rootHash: string };
  verifyUrl: string;
  /** The institution's seal (PNG), or null for the drawn default. */
  seal: Uint8Array | null;
}

export interface RenderedCertificate {
  pdf: Uint8Array;
  layout: Layout;
  pageCount: number;
  /** Characters no font covers (drawn as `?`). */
  missing: string[];
}

export async function renderCertificatePdf(data: CertificateData, faces: readonly FontFace[]): Promise<RenderedCertificate> {
  const fonts = new FontSet(faces);
  const layout = layoutCertificate(data, fonts);
  const pdf = await pagesToPdf(layout.pages, fonts, { title: `作品登记证书 ${data.registrationNumber}`, date: `${data.registeredOn}T00:00:00Z` });
  return { pdf, layout, pageCount: layout.pages.length, missing: [...fonts.missing] };
}

/** The first page as SVG (glyphs as outlines: no system font involved), for the PNG preview. */
export function renderCertificateSvg(data: CertificateData, faces: readonly FontFace[]): string {
  const fonts = new FontSet(faces);
  return pageToSvg(layoutCertificate(data, fonts).pages[0]!, fonts);
}

export { certificateCharacters, layoutCertificate, wrapText, A4 } from './certificate-layout.js';
export { FontSet, parseFaceRanges, loadFace, woffToSfnt, type FontFace, type FaceRanges } from './certificate-fonts.js';
