import { utf8 } from '../bytes.js';
import { AIGC_KEY } from '../gb45438.js';
import type { TextMarkerTrace } from '../types.js';
import { fileProblem, newScan, type Scan } from './scan.js';

const FRONT = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;

/** The AIGC value in YAML front matter: a quoted or flow (JSON) scalar, or a block mapping. */
export function frontMatterLabel(yaml: string): string | null {
  const lines = yaml.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const m = /^AIGC\s*:\s*(.*)$/i.exec(lines[i]!);
    if (!m) continue;
    const v = m[1]!.trim();
    if (v.startsWith("'") && v.endsWith("'") && v.length >= 2) return v.slice(1, -1).replace(/''/g, "'");
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) {
      try {
        return JSON.parse(v) as string;
      } catch {
        return v.slice(1, -1);
      }
    }
    if (v) return v;
    // Block mapping: indented `Key: value` lines.
    const obj: Record<string, string> = {};
    for (let k = i + 1; k < lines.length && /^\s+\S/.test(lines[k]!); k++) {
      const kv = /^\s+([^:]+):\s*(.*)$/.exec(lines[k]!);
      if (!kv) continue;
      let val = kv[2]!.trim();
      if ((val.startsWith('"') && val.endsWith('"')) || (val.startsWith("'") && val.endsWith("'"))) val = val.slice(1, -1);
      obj[kv[1]!.trim()] = val;
    }
    return JSON.stringify(obj);
  }
  return null;
}

export function scanText(b: Uint8Array, markdown: boolean): Scan {
  const scan = newScan(markdown ? 'markdown' : 'text', markdown ? 'text/markdown' : 'text/plain');
  const { text, ok } = utf8(b);
  if (!ok) fileProblem(scan, 'not_utf8', 'the text is not valid UTF-8; undecodable bytes were replaced', undefined, 'warning');
  const fm = FRONT.exec(text);
  if (fm) {
    const v = frontMatterLabel(fm[1]!);
    if (v !== null) scan.carriers.push({ type: 'aigc', location: 'front matter AIGC', value: v });
    scan.text = text.slice(fm[0].length);
  } else scan.text = text.replace(/^\uFEFF/, '');
  return scan;
}

/** Adds or replaces `AIGC: '<json>'` in the front matter (creating front matter when there is none). */
export function writeFrontMatter(text: string, value: string): string {
  const line = `${AIGC_KEY}: '${value.replace(/'/g, "''")}'`;
  const fm = FRONT.exec(text);
  if (!fm) return `---\n${line}\n---\n${text.replace(/^\uFEFF/, '')}`;
  const kept: string[] = [];
  const lines = fm[1]!.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    if (/^AIGC\s*:/i.test(lines[i]!)) {
      while (i + 1 < lines.length && /^\s+\S/.test(lines[i + 1]!)) i++;
      continue;
    }
    kept.push(lines[i]!);
  }
  kept.push(line);
  return `---\n${kept.join('\n')}\n---\n${text.slice(fm[0].length)}`;
}

/**
 * Explicit text labels: phrases saying the content is AI-generated or synthesized (GB 45438
 * asks for "人工智能" or "AI" together with "生成" or "合成"), in Chinese or English.
 */
const MARKERS: RegExp[] = [
  /(?:本(?:内容|文|文本|作品|图片|图像|视频|音频|回答)?\s*(?:由|系|为|是)?\s*)?(?:人工智能|ＡＩ|AI|AIGC)\s*(?:辅助|参与)?\s*(?:生成|合成|创作|撰写)(?:合成)?(?:内容)?/g,
  /\b(?:AI[- ]generated|AI[- ]synthesi[sz]ed|(?:generated|created|written|produced|synthesi[sz]ed)\s+(?:by|with|using)\s+(?:an?\s+)?(?:AI|artificial intelligence|generative AI)(?:\s+(?:model|tool|system))?)\b/gi,
];
const EDGE = 120;

export function findTextMarkers(text: string): TextMarkerTrace[] {
  const out: TextMarkerTrace[] = [];
  const seen = new Set<number>();
  for (const re of MARKERS) {
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) && out.length < 20) {
      if (seen.has(m.index)) continue;
      seen.add(m.index);
      const fromEnd = text.trimEnd().length - (m.index + m[0].length);
      const position = m.index <= fromEnd ? (m.index < EDGE ? 'start' : 'middle') : fromEnd < EDGE ? 'end' : 'middle';
      out.push({
        kind: 'text-marker',
        location: `text, character ${m.index}`,
        ai: position === 'middle' ? 'possible' : 'yes',
        summary: `explicit AI label "${m[0]}" at the ${position} of the text`,
        problems: position === 'middle' ? [{ code: 'marker_in_middle', severity: 'info', message: 'the phrase stands in the middle of the text: it may be a label, or text that merely talks about AI' }] : [],
        marker: m[0],
        position,
        offset: m.index,
      });
    }
  }
  return out.sort((a, b) => a.offset - b.offset);
}

export const DEFAULT_TEXT_MARKER = '【本内容由人工智能生成 / AI-generated content】';

/** Adds an explicit label at the start or the end of a text (kept after front matter). */
export function addTextMarker(text: string, marker = DEFAULT_TEXT_MARKER, position: 'start' | 'end' = 'start'): string {
  const fm = FRONT.exec(text);
  const head = fm ? fm[0] : '';
  const body = text.slice(head.length).replace(/^\uFEFF/, '');
  return position === 'start' ? `${head}${marker}\n\n${body}` : `${head}${body.replace(/\s*$/, '')}\n\n${marker}\n`;
}
