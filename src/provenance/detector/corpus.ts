/**
 * The evaluation set's human half: passages cut from the Debian Reference (Debian packages
 * debian-reference-en and debian-reference-zh-cn, HTML under /usr/share/debian-reference),
 * written and translated by people. Pure: HTML text in, passages out; the caller reads files.
 */
export interface Passage {
  id: string;
  lang: 'en' | 'zh';
  text: string;
  source: string;
}

const decode = (s: string): string =>
  s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos|nbsp);/gi, (_m, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' } as Record<string, string>)[e.toLowerCase()]!;
  });

/** Prose paragraphs (<p>) of one chapter, joined in order into passages of about the target length. */
export function passagesFromHtml(html: string, lang: 'en' | 'zh', chapter: string): Passage[] {
  const [min, max] = lang === 'en' ? [550, 1100] : [190, 420];
  const paras: string[] = [];
  for (const m of html.matchAll(/<p>([\s\S]*?)<\/p>/g)) {
    const t = decode(m[1]!.replace(/<[^>]+>/g, '')).replace(/\s+/g, lang === 'zh' ? '' : ' ').trim();
    const letters = lang === 'en' ? (t.match(/[A-Za-z]/g) ?? []).length : (t.match(/\p{Script=Han}/gu) ?? []).length;
    if (t.length >= (lang === 'en' ? 60 : 20) && letters / t.length > (lang === 'en' ? 0.6 : 0.4)) paras.push(t);
  }
  const out: Passage[] = [];
  let cur: string[] = [];
  const flush = () => {
    const text = cur.join(lang === 'en' ? ' ' : '');
    if (text.length >= min && text.length <= max) out.push({ id: `debref-${lang}-${chapter}-${out.length}`, lang, text, source: `Debian Reference (${lang === 'en' ? 'debian-reference-en' : 'debian-reference-zh-cn'}), ${chapter}` });
    cur = [];
  };
  for (const p of paras) {
    if (cur.join('').length + p.length > max) flush();
    cur.push(p);
    if (cur.join('').length >= min) flush();
  }
  return out;
}

/** Stable 50/50 split by id (FNV-1a): the held-out half is never used for fitting or thresholds. */
export function isHeldOut(id: string): boolean {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return (h & 1) === 1;
}
