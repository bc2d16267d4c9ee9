import { createRequire } from 'node:module';
import type { TextVerdict } from '../types.js';
import { enFeatures, FEATURES, languageOf, zhFeatures, type EnLm, type Features, type ZhLm } from './features.js';
import type LmEnJson from './lm-en.json';
import type LmZhJson from './lm-zh.json';
import { predict, type LogisticModel } from './logistic.js';
import model from './model.json' with { type: 'json' };
import { MAX_DETECT_CHARS, MIN_CHARS, type TextDetector } from './types.js';

export interface LangModel extends LogisticModel {
  /** Flag above this score: it gave at most 1 % false positives on the tuning split's human texts. */
  threshold: number;
}

export interface DetectorModel {
  name: string;
  en: LangModel;
  zh: LangModel;
}

export const DETECTOR_MODEL = model as unknown as DetectorModel & Record<string, unknown>;

// The reference language models (1.4 MB of JSON, ~20 MB once parsed) are read on the first
// text scored, not at start: a server that never runs an AIGC check never holds them.
// (The type-only imports keep the files in the compiled output.)
const requireJson = createRequire(import.meta.url);
let lmEn: EnLm | undefined;
let lmZh: ZhLm | undefined;
const en = (): EnLm => (lmEn ??= requireJson('./lm-en.json') as typeof LmEnJson as EnLm);
const zh = (): ZhLm => (lmZh ??= requireJson('./lm-zh.json') as typeof LmZhJson as ZhLm);

export function featuresOf(text: string, lang: 'en' | 'zh'): Features {
  return lang === 'en' ? enFeatures(text, en()) : zhFeatures(text, zh());
}

export const scoreFeatures = (m: LogisticModel, f: Features): number => predict(m, FEATURES.map((k) => f[k]));

/**
 * The built-in offline detector: reference-model perplexity and burstiness plus a few
 * stylometric features, combined by a logistic regression per language (see docs/aigc.md
 * for how it was fitted and how well it does: it is weak evidence, never a decision).
 */
export class StatisticalDetector implements TextDetector {
  readonly name: string;
  constructor(private readonly m: DetectorModel = DETECTOR_MODEL) {
    this.name = m.name;
  }

  async detect(raw: string): Promise<TextVerdict> {
    const text = raw.slice(0, MAX_DETECT_CHARS);
    const lang = languageOf(text);
    if (lang === 'other') return { detector: this.name, score: 0.5, language: 'other', chars: text.length, flagged: false, note: 'language not supported (zh and en only): no evidence either way' };
    const f = featuresOf(text, lang);
    const lm = this.m[lang];
    const score = scoreFeatures(lm, f);
    const short = text.replace(/\s/g, '').length < MIN_CHARS[lang];
    return {
      detector: this.name,
      score,
      language: lang,
      chars: text.length,
      threshold: lm.threshold,
      flagged: !short && score > lm.threshold,
      note: short ? `text shorter than ${MIN_CHARS[lang]} characters: the score rests on too little text` : 'indicative only: see the published error rates; never a decision on its own',
      features: f,
    };
  }
}
