import { AIGC_KEY, TC260_NS, TC260_PREFIX } from './gb45438.js';
import { escapeXml, parseXml, walk, type XmlElement } from './xml.js';

export const RDF_NS = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';
export const IPTC_EXT_NS = 'http://iptc.org/std/Iptc4xmpExt/2008-02-29/';
export const XMP_NS = 'http://ns.adobe.com/xap/1.0/';
export const IPTC_DST_BASE = 'http://cv.iptc.org/newscodes/digitalsourcetype/';
/** XMP packets larger than this are reported and not parsed. */
export const MAX_XMP_BYTES = 8 * 1024 * 1024;

export interface XmpProperty {
  ns: string;
  /** The prefix the packet used. */
  prefix: string;
  local: string;
  value: string;
}

export interface XmpRead {
  properties: XmpProperty[];
  error?: string;
}

function valueOf(el: XmlElement): string {
  const res = el.attrs.find((a) => a.ns === RDF_NS && a.local === 'resource');
  if (res) return res.value;
  const container = el.children.find((c) => c.ns === RDF_NS && (c.local === 'Alt' || c.local === 'Seq' || c.local === 'Bag'));
  if (container) return container.children.filter((c) => c.ns === RDF_NS && c.local === 'li').map((li) => valueOf(li)).join('; ');
  if (el.children.length && !el.text.trim()) {
    // A structure (rdf:parseType="Resource" or a nested Description): its fields as k=v.
    return el.children.map((c) => `${c.local}=${valueOf(c)}`).join('; ');
  }
  return el.text.trim();
}

/** Reads every simple property of an XMP packet (attributes and child elements of rdf:Description). */
export function readXmp(packet: string): XmpRead {
  const doc = parseXml(packet);
  const properties: XmpProperty[] = [];
  for (const el of walk(doc.root)) {
    if (!(el.ns === RDF_NS && el.local === 'Description')) continue;
    for (const a of el.attrs) {
      if (a.ns === RDF_NS || !a.ns) continue;
      properties.push({ ns: a.ns, prefix: a.name.split(':')[0]!, local: a.local, value: a.value });
    }
    for (const c of el.children) properties.push({ ns: c.ns, prefix: c.name.includes(':') ? c.name.split(':')[0]! : '', local: c.local, value: valueOf(c) });
  }
  return doc.error ? { properties, error: doc.error } : { properties };
}

export const isTc260Aigc = (p: XmpProperty): boolean => p.local === AIGC_KEY && p.ns.replace(/\/?$/, '/') === TC260_NS;

const DESCRIPTION = (aigcJson: string, iptcCode?: string) =>
  `<rdf:Description rdf:about="" xmlns:${TC260_PREFIX}="${TC260_NS}"${iptcCode ? ` xmlns:Iptc4xmpExt="${IPTC_EXT_NS}"` : ''}>\n` +
  `   <${TC260_PREFIX}:${AIGC_KEY}>${escapeXml(aigcJson)}</${TC260_PREFIX}:${AIGC_KEY}>\n` +
  (iptcCode ? `   <Iptc4xmpExt:DigitalSourceType>${IPTC_DST_BASE}${iptcCode}</Iptc4xmpExt:DigitalSourceType>\n` : '') +
  `  </rdf:Description>`;

/** A fresh XMP packet holding the GB 45438 label (and, when asked, the IPTC digital source type). */
export function buildXmp(aigcJson: string, iptcCode?: string): string {
  return (
    `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>\n` +
    `<x:xmpmeta xmlns:x="adobe:ns:meta/">\n <rdf:RDF xmlns:rdf="${RDF_NS}">\n  ${DESCRIPTION(aigcJson, iptcCode)}\n </rdf:RDF>\n</x:xmpmeta>\n` +
    `${' '.repeat(100)}\n<?xpacket end="w"?>`
  );
}

/**
 * Puts the label into an existing packet: removes every earlier TC260 AIGC property (and
 * the IPTC digital source type when we write one), then adds one rdf:Description. Falls
 * back to a fresh packet when the old one cannot be parsed.
 */
export function mergeXmp(existing: string | undefined, aigcJson: string, iptcCode?: string): string {
  if (!existing) return buildXmp(aigcJson, iptcCode);
  const doc = parseXml(existing);
  if (doc.error || !existing.includes('</rdf:RDF>')) return buildXmp(aigcJson, iptcCode);
  const prefixes = new Set<string>();
  const iptcPrefixes = new Set<string>();
  for (const m of existing.matchAll(/xmlns:([\w.-]+)\s*=\s*["']([^"']*)["']/g)) {
    if (m[2]!.replace(/\/?$/, '/') === TC260_NS) prefixes.add(m[1]!);
    if (m[2] === IPTC_EXT_NS) iptcPrefixes.add(m[1]!);
  }
  let out = existing;
  const drop = (prefix: string, local: string) => {
    const p = prefix.replace(/[.-]/g, '\\$&');
    out = out.replace(new RegExp(`<${p}:${local}(\\s[^>]*)?>[\\s\\S]*?</${p}:${local}>|<${p}:${local}(\\s[^>]*)?/>`, 'g'), '');
    out = out.replace(new RegExp(`\\s${p}:${local}\\s*=\\s*("[^"]*"|'[^']*')`, 'g'), '');
  };
  for (const p of prefixes) drop(p, AIGC_KEY);
  if (iptcCode) for (const p of iptcPrefixes) drop(p, 'DigitalSourceType');
  const at = out.lastIndexOf('</rdf:RDF>');
  return `${out.slice(0, at)}  ${DESCRIPTION(aigcJson, iptcCode)}\n ${out.slice(at)}`;
}
