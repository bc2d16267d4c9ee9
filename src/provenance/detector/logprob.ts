import type { TextVerdict } from '../types.js';
import { languageOf } from './features.js';
import { MAX_DETECT_CHARS, type TextDetector } from './types.js';

/**
 * Adapter to an OpenAI-compatible completions endpoint that returns prompt log-probabilities
 * (vLLM, or a llama.cpp server run with logprobs support): POST {baseUrl}/v1/completions with
 * `echo: true, max_tokens: 0, logprobs: k`. No model runs on this machine; the adapter is
 * tested against a local stand-in server, and its score mapping must be calibrated on the
 * evaluation set with the model actually used (docs/aigc.md).
 */
export interface TokenLogprobs {
  tokens: string[];
  /** log p(token_t | prefix); the first is usually null (no context). */
  logprobs: (number | null)[];
  /** The top-k alternatives per position, token → log p. */
  top: (Record<string, number> | null)[];
}

export type Fetch = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal }) => Promise<{ ok: boolean; status: number; json(): Promise<unknown>; text(): Promise<string> }>;

export interface Endpoint {
  baseUrl: string;
  model: string;
  apiKey?: string;
  topK?: number;
  timeoutMs?: number;
}

export async function promptLogprobs(ep: Endpoint, text: string, fetchImpl: Fetch = fetch as unknown as Fetch): Promise<TokenLogprobs> {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), ep.timeoutMs ?? 60_000);
  try {
    const res = await fetchImpl(`${ep.baseUrl.replace(/\/$/, '')}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(ep.apiKey ? { authorization: `Bearer ${ep.apiKey}` } : {}) },
      body: JSON.stringify({ model: ep.model, prompt: text, max_tokens: 0, echo: true, logprobs: ep.topK ?? 10, temperature: 0 }),
      signal: ctrl.signal,
    });
    if (!res.ok) throw new Error(`log-probability endpoint answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
    const body = (await res.json()) as { choices?: { logprobs?: { tokens?: string[]; token_logprobs?: (number | null)[]; top_logprobs?: (Record<string, number> | null)[] } }[] };
    const lp = body.choices?.[0]?.logprobs;
    if (!lp?.tokens || !lp.token_logprobs) throw new Error('the endpoint returned no prompt log-probabilities (it needs echo + logprobs support)');
    return { tokens: lp.tokens, logprobs: lp.token_logprobs, top: lp.top_logprobs ?? lp.tokens.map(() => null) };
  } finally {
    clearTimeout(timer);
  }
}

/** Mean and variance of log p under the (renormalised) top-k distribution of one position. */
function moments(top: Record<string, number>): { mu: number; v: number } {
  const lps = Object.values(top);
  const z = Math.log(lps.reduce((a, l) => a + Math.exp(l), 0));
  let mu = 0;
  let m2 = 0;
  for (const l of lps) {
    const p = Math.exp(l - z);
    mu += p * l;
    m2 += p * l * l;
  }
  return { mu, v: Math.max(0, m2 - mu * mu) };
}

/**
 * Fast-DetectGPT's analytic criterion with the scoring model as its own sampling model:
 * (Σ log p(x_t) − Σ E[log p]) / sqrt(Σ Var[log p]), expectations over each position's
 * top-k distribution (an approximation: the full vocabulary is not returned).
 */
export function fastDetectGptCriterion(lp: TokenLogprobs): number {
  let ll = 0;
  let mu = 0;
  let v = 0;
  let n = 0;
  for (let t = 0; t < lp.tokens.length; t++) {
    const l = lp.logprobs[t];
    const top = lp.top[t];
    if (l === null || l === undefined || !top || !Object.keys(top).length) continue;
    const m = moments(top);
    ll += l;
    mu += m.mu;
    v += m.v;
    n++;
  }
  if (!n || v === 0) return 0;
  return (ll - mu) / Math.sqrt(v);
}

/**
 * Binoculars: log-perplexity under the observer divided by the cross-perplexity between
 * performer and observer (both over the top-k lists; tokens missing from the observer's
 * list get its smallest listed log-probability). Lower means more machine-like.
 */
export function binocularsScore(observer: TokenLogprobs, performer: TokenLogprobs): number {
  let logPpl = 0;
  let cross = 0;
  let n = 0;
  const len = Math.min(observer.tokens.length, performer.tokens.length);
  for (let t = 0; t < len; t++) {
    const l = observer.logprobs[t];
    const o = observer.top[t];
    const p = performer.top[t];
    if (l === null || l === undefined || !o || !p) continue;
    const floor = Math.min(...Object.values(o));
    const pl = Object.entries(p);
    const z = Math.log(pl.reduce((a, [, x]) => a + Math.exp(x), 0));
    let h = 0;
    for (const [tok, x] of pl) h -= Math.exp(x - z) * (o[tok] ?? floor);
    logPpl -= l;
    cross += h;
    n++;
  }
  return n && cross ? logPpl / n / (cross / n) : NaN;
}

export interface LogprobOptions {
  /** Maps the raw criterion to [0,1]: sigmoid((raw − center) / scale) (Binoculars: sign flipped). Calibrate on the evaluation set. */
  center: number;
  scale: number;
  threshold?: number;
}

export class LogprobDetector implements TextDetector {
  readonly name: string;
  constructor(
    private readonly observer: Endpoint,
    private readonly performer: Endpoint | null,
    private readonly map: LogprobOptions,
    private readonly fetchImpl: Fetch = fetch as unknown as Fetch,
  ) {
    this.name = performer ? `binoculars(${observer.model},${performer.model})` : `fast-detectgpt(${observer.model})`;
  }

  async detect(raw: string): Promise<TextVerdict> {
    const text = raw.slice(0, MAX_DETECT_CHARS);
    const lang = languageOf(text);
    const obs = await promptLogprobs(this.observer, text, this.fetchImpl);
    let rawScore: number;
    let score: number;
    if (this.performer) {
      const perf = await promptLogprobs(this.performer, text, this.fetchImpl);
      rawScore = binocularsScore(obs, perf);
      score = 1 / (1 + Math.exp((rawScore - this.map.center) / this.map.scale));
    } else {
      rawScore = fastDetectGptCriterion(obs);
      score = 1 / (1 + Math.exp(-(rawScore - this.map.center) / this.map.scale));
    }
    if (!Number.isFinite(score)) score = 0.5;
    return {
      detector: this.name,
      score,
      language: lang,
      chars: text.length,
      ...(this.map.threshold !== undefined ? { threshold: this.map.threshold, flagged: score > this.map.threshold } : {}),
      note: 'indicative only; the mapping to [0,1] must be calibrated for the model behind the endpoint',
      features: { raw: rawScore, tokens: obs.tokens.length },
    };
  }
}
