import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DETECTOR_MODEL, StatisticalDetector } from '../../../src/provenance/detector/builtin.js';
import { isHeldOut } from '../../../src/provenance/detector/corpus.js';
import { binocularsScore, fastDetectGptCriterion, LogprobDetector } from '../../../src/provenance/detector/logprob.js';
import { auroc, rates, thresholdAtFpr, tprAtFpr } from '../../../src/provenance/detector/metrics.js';
import { DEBIAN_REFERENCE, evaluate, loadEvalSet } from '../../../bench/aigc.js';

describe('metrics', () => {
  it('AUROC of separable, reversed and tied scores', () => {
    expect(auroc([0.9, 0.8], [0.1, 0.2])).toBe(1);
    expect(auroc([0.1], [0.9])).toBe(0);
    expect(auroc([0.5, 0.5], [0.5, 0.5])).toBe(0.5);
    expect(auroc([0.3, 0.7], [0.5])).toBe(0.5);
  });
  it('threshold at 1 % FPR flags at most 1 % of negatives', () => {
    const neg = Array.from({ length: 200 }, (_, i) => i / 200);
    const t = thresholdAtFpr(neg, 0.01);
    expect(rates([1], neg, t).fpr).toBeLessThanOrEqual(0.01);
    expect(rates([1], neg, t).fpr).toBe(0.01);
    expect(tprAtFpr([0.999, 0.5], neg, 0.01)).toBe(0.5);
  });
});

describe('built-in statistical detector', () => {
  const d = new StatisticalDetector();
  it('scores in [0, 1] with language, threshold and a note; short text is never flagged', async () => {
    const r = await d.detect('The library opens at eight.');
    expect(r.language).toBe('en');
    expect(r.score).toBeGreaterThanOrEqual(0);
    expect(r.score).toBeLessThanOrEqual(1);
    expect(r.flagged).toBe(false);
    expect(r.note).toMatch(/shorter than/);
    const zh = await d.detect('图书馆早上八点开门，晚上十点关门。周末照常开放。');
    expect(zh.language).toBe('zh');
    const other = await d.detect('Привет, мир');
    expect(other).toMatchObject({ language: 'other', score: 0.5, flagged: false });
  });
});

const corporaPresent = (() => {
  try {
    loadEvalSet();
    return true;
  } catch (e) {
    if (process.env.CWS_AIGC_ALLOW_MISSING_CORPORA !== '1') throw new Error(`${(e as Error).message} (or set CWS_AIGC_ALLOW_MISSING_CORPORA=1 to skip the detector evaluation)`, { cause: e });
    console.warn(`\n!! detector evaluation SKIPPED: ${(e as Error).message}\n`);
    return false;
  }
})();

describe.skipIf(!corporaPresent)(`detector evaluation on the held-out split (${DEBIAN_REFERENCE})`, () => {
  it('reproduces the published figures exactly', () => {
    const published = (DETECTOR_MODEL as unknown as { published: unknown }).published;
    expect(evaluate()).toEqual(published);
  });
  it('the held-out half is disjoint from the tuning half and both hold both classes', () => {
    const set = loadEvalSet();
    for (const lang of ['en', 'zh'] as const) {
      const held = set[lang].filter((p) => isHeldOut(p.id));
      const tune = set[lang].filter((p) => !isHeldOut(p.id));
      expect(held.some((p) => p.ai) && held.some((p) => !p.ai)).toBe(true);
      expect(tune.some((p) => p.ai) && tune.some((p) => !p.ai)).toBe(true);
      expect(new Set([...held, ...tune].map((p) => p.id)).size).toBe(set[lang].length);
    }
  });
});

describe('log-probability adapter (against a local stand-in server)', () => {
  const lp = (tokens: string[], logprobs: (number | null)[], top: (Record<string, number> | null)[]) => ({ tokens, logprobs, top });
  it('Fast-DetectGPT criterion: observed tokens at the mode score above tokens in the tail', () => {
    const top = { a: Math.log(0.7), b: Math.log(0.2), c: Math.log(0.1) };
    const likely = fastDetectGptCriterion(lp(['x', 'a', 'a', 'a'], [null, Math.log(0.7), Math.log(0.7), Math.log(0.7)], [null, top, top, top]));
    const unlikely = fastDetectGptCriterion(lp(['x', 'c', 'c', 'c'], [null, Math.log(0.1), Math.log(0.1), Math.log(0.1)], [null, top, top, top]));
    // by hand: mu = Σp·log p, v = Σp·(log p)² − mu²; criterion = 3(log 0.7 − mu)/sqrt(3v)
    const mu = 0.7 * Math.log(0.7) + 0.2 * Math.log(0.2) + 0.1 * Math.log(0.1);
    const v = 0.7 * Math.log(0.7) ** 2 + 0.2 * Math.log(0.2) ** 2 + 0.1 * Math.log(0.1) ** 2 - mu * mu;
    expect(likely).toBeCloseTo((3 * (Math.log(0.7) - mu)) / Math.sqrt(3 * v), 10);
    expect(likely).toBeGreaterThan(0);
    expect(unlikely).toBeLessThan(0);
  });
  it('Binoculars: equals log-ppl / cross-ppl on a hand case', () => {
    const o = lp(['x', 'a'], [null, Math.log(0.5)], [null, { a: Math.log(0.5), b: Math.log(0.5) }]);
    const p = lp(['x', 'a'], [null, Math.log(0.9)], [null, { a: Math.log(0.9), b: Math.log(0.1) }]);
    expect(binocularsScore(o, p)).toBeCloseTo(-Math.log(0.5) / -(0.9 * Math.log(0.5) + 0.1 * Math.log(0.5)), 10);
  });
  it('talks to an OpenAI-compatible /v1/completions endpoint and maps the criterion to [0, 1]', async () => {
    let seen: Record<string, unknown> = {};
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen = JSON.parse(body) as Record<string, unknown>;
        const top = { ' the': Math.log(0.6), ' a': Math.log(0.4) };
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ choices: [{ logprobs: { tokens: ['Hi', ' the', ' the'], token_logprobs: [null, Math.log(0.6), Math.log(0.6)], top_logprobs: [null, top, top] } }] }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const det = new LogprobDetector({ baseUrl: url, model: 'stand-in' }, null, { center: 0, scale: 1, threshold: 0.5 });
      const r = await det.detect('Hi the the');
      expect(seen).toMatchObject({ model: 'stand-in', echo: true, max_tokens: 0, prompt: 'Hi the the' });
      expect(r.detector).toBe('fast-detectgpt(stand-in)');
      expect(r.score).toBeGreaterThan(0.5);
      expect(r.score).toBeLessThanOrEqual(1);
      expect(r.flagged).toBe(true);
    } finally {
      server.close();
    }
  });
  it('an endpoint without log-probabilities is an error, not a score', async () => {
    const fake = async () => ({ ok: true, status: 200, json: async () => ({ choices: [{ text: 'x' }] }), text: async () => '' });
    await expect(new LogprobDetector({ baseUrl: 'http://x', model: 'm' }, null, { center: 0, scale: 1 }, fake).detect('text')).rejects.toThrow(/no prompt log-probabilities/);
  });
});
