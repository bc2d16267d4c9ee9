import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.js';
import { securityHeaders } from '../../src/routes/security-headers.js';
import { buildServer } from '../../src/routes/server.js';
import { account, stagePng, validMetadata } from '../support/fixtures.js';
import { testPlatform, type TestPlatform } from '../support/platform.js';

// The headers are computed once from helmet at start; these tests make sure every kind of
// answer still carries them, and that a route's own policy still wins.
describe('security headers', () => {
  let t: TestPlatform;
  let app: FastifyInstance;
  let number: string;
  beforeAll(async () => {
    t = await testPlatform('sqlite', { CWS_PUBLIC_RATE_LIMIT: '0' });
    const creator = await account(t.p, 'creator');
    const reviewer = await account(t.p, 'reviewer');
    const w = await t.p.registration.create(creator, validMetadata({ title: '安全头测试' }), [await stagePng(t.p, 601)], true);
    number = (await t.p.review.decide(reviewer, w.id, 'approve')).registrationNumber!;
    app = await buildServer(t.p, { logger: false });
  });
  afterAll(async () => {
    await app.close();
    await t.cleanup();
  });

  const expectHardened = (h: Record<string, unknown>) => {
    const csp = String(h['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toContain("img-src 'self' data: blob:");
    expect(csp).toContain("frame-ancestors 'self'");
    expect(h['x-frame-options']).toBe('SAMEORIGIN');
    expect(h['x-content-type-options']).toBe('nosniff');
    expect(h['strict-transport-security']).toMatch(/^max-age=\d+/);
    expect(h['referrer-policy']).toBe('no-referrer');
    expect(h['cross-origin-opener-policy']).toBe('same-origin');
    expect(h['cross-origin-embedder-policy']).toBeUndefined();
  };

  const expectApi = (h: Record<string, unknown>) => {
    expect(h['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(h['x-frame-options']).toBe('DENY');
    expect(h['x-content-type-options']).toBe('nosniff');
    expect(h['strict-transport-security']).toMatch(/^max-age=\d+/);
    expect(h['referrer-policy']).toBe('no-referrer');
    expect(h['cross-origin-resource-policy']).toBe('same-origin');
  };

  it('precomputes exactly the headers helmet sets, once', () => {
    const list = securityHeaders();
    const names = list.map(([k]) => k);
    expect(new Set(names).size).toBe(names.length);
    expectHardened(Object.fromEntries(list));
    expect(Object.isFrozen(list)).toBe(true);
  });

  it('on the public verify answer (cached and not), errors and the API without a session', async () => {
    const url = `/api/verify/${encodeURIComponent(number)}`;
    for (let i = 0; i < 2; i++) {
      const res = await app.inject({ url });
      expect(res.statusCode).toBe(200);
      expectApi(res.headers);
    }
    const missing = await app.inject({ url: '/api/verify/NO-SUCH-NUMBER' });
    expect(missing.statusCode).toBe(404);
    expectApi(missing.headers);
    expectApi((await app.inject({ url: '/api/auth/me' })).headers);
    const csrf = await app.inject({ method: 'POST', url: '/api/works', payload: {} });
    expect(csrf.statusCode).toBe(403);
    expect(csrf.json<{ error: { code: string } }>().error.code).toBe('CSRF');
    expectApi(csrf.headers);
    expectHardened((await app.inject({ url: '/healthz' })).headers);
    expectHardened((await app.inject({ url: '/log/checkpoint' })).headers);
  });

  // `npm ci` builds the web app (prepare); without it this test says so instead of passing.
  it('on the web app, while the offline verifier keeps its own stricter policy', async () => {
    expect(existsSync(path.join(packageRoot(), 'dist', 'web', 'verifier.html')), 'dist/web not built: run npm run build').toBe(true);
    const shell = await app.inject({ url: '/works/x' });
    expect(shell.statusCode).toBe(200);
    expectHardened(shell.headers);
    const verifier = await app.inject({ url: '/verifier.html' });
    expect(verifier.statusCode).toBe(200);
    expect(verifier.headers['content-security-policy']).toBe("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'");
    expect(verifier.headers['x-frame-options']).toBe('SAMEORIGIN');
  });
});
