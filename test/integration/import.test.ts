import { execFile } from 'node:child_process';
import type { FastifyInstance } from 'fastify';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePdf, samplePng, sampleText } from '../../src/documents/samples.js';
import { buildServer } from '../../src/routes/server.js';
import { account } from '../support/fixtures.js';
import { Client } from '../support/http.js';
import { dialects, testPlatform, type TestPlatform } from '../support/platform.js';
import { makeZip } from '../support/zip.js';

const ds = await dialects();
const run = promisify(execFile);

const HEADER = 'title,category,authors,owners,completed_on,published_on,published_place,description,ai_used,ai_tools,ai_prompts,ai_human_contribution,ai_claimed_parts,ai_excluded_parts,files';
const csv = (...rows: string[]) => Buffer.from('\ufeff' + [HEADER, ...rows].join('\n') + '\n', 'utf8');
const GOOD = [
  '湖畔写生,美术,李同学;王老师,李同学:60;示范大学|institution:40,2026-03-01,,,水彩,否,,,,,,lake.png',
  '实验报告,A,赵同学,赵同学:100,2026-02-01,2026-02-10,校报,报告,是,ChatGPT,润色,结构与论证,全文结构,润色句子,"report.pdf;notes/readme.md"',
  '缺文件,F,钱同学,钱同学:100,2026-03-01,,,,,,,,,,missing.png',
  '份额错误,F,孙同学,孙同学:50,2026-03-01,,,,,,,,,,lake.png',
];

describe.each(ds)('batch import on %s', (dialect) => {
  let t: TestPlatform;
  let app: FastifyInstance;
  let c: Client;
  beforeAll(async () => {
    t = await testPlatform(dialect);
    app = await buildServer(t.p, { logger: false });
    const a = await account(t.p, 'creator', `importer-${dialect}`);
    c = await new Client(app).login(a.username, a.password);
  });
  afterAll(async () => {
    await app.close();
    await t.cleanup();
  });

  const zip = () => makeZip([{ name: 'lake.png', data: samplePng(1) }, { name: 'report.pdf', data: samplePdf(1) }, { name: 'notes/readme.md', data: sampleText(1) }]);

  it('imports a CSV and a ZIP as a job, with a per-row report', async () => {
    const r = await c.upload('POST', '/api/imports', [
      { name: 'submit', value: 'true' },
      { name: 'csv', filename: 'rows.csv', data: csv(...GOOD) },
      { name: 'archive', filename: 'files.zip', data: zip() },
    ]);
    expect(r.status).toBe(202);
    expect(r.json).toMatchObject({ status: 'queued', total: 4 });
    await t.p.jobs.drain();
    const b = (await c.get(`/api/imports/${r.json.id}`)).json;
    expect(b).toMatchObject({ status: 'done', total: 4, processed: 4, created: 2, failed: 2 });
    expect(b.rows.map((x: { row: number; status: string }) => [x.row, x.status])).toEqual([[2, 'created'], [3, 'created'], [4, 'error'], [5, 'error']]);
    expect(b.rows[2].error.code).toBe('FILE_MISSING');
    expect(b.rows[3].error.code).toBe('VALIDATION');
    const w = (await c.get(`/api/works/${b.rows[1].workId}`)).json;
    expect(w).toMatchObject({ status: 'submitted', category: 'text', publication: { status: 'published', date: '2026-02-10', place: '校报' } });
    expect(w.aiDisclosure).toMatchObject({ used: true, tools: 'ChatGPT' });
    expect(w.files.map((f: { filename: string }) => f.filename)).toEqual(['report.pdf', 'readme.md']);
    const w1 = (await c.get(`/api/works/${b.rows[0].workId}`)).json;
    expect(w1.owners).toEqual([{ name: '李同学', kind: 'person', share: 60 }, { name: '示范大学', kind: 'institution', share: 40 }]);
    expect((await c.get('/api/imports')).json.items.length).toBeGreaterThan(0);
  });

  it('resumes a batch without duplicating rows already imported', async () => {
    const r = await c.upload('POST', '/api/imports', [{ name: 'csv', filename: 'rows.csv', data: csv(GOOD[0]!) }, { name: 'archive', filename: 'f.zip', data: zip() }]);
    await t.p.jobs.drain();
    // Simulate a crash after the work was created but before the row was recorded.
    await t.p.store.repos.imports.update(r.json.id, { status: 'running', rows: '[]', processed: 0, created: 0 });
    const again = await t.p.imports.process(r.json.id);
    expect(again.created).toBe(1);
    const mine = await t.p.store.repos.works.importedRows(r.json.id);
    expect(mine).toHaveLength(1);
  });

  it.each([
    ['path traversal in the archive', () => makeZip([{ name: '../evil.png', data: samplePng(2) }]), 'ARCHIVE'],
    ['absolute path in the archive', () => makeZip([{ name: '/etc/x.png', data: samplePng(2) }]), 'ARCHIVE'],
    ['a zip bomb', () => makeZip([{ name: 'bomb.txt', data: Buffer.alloc(50_000_000, 0x61) }]), 'ARCHIVE'],
    ['not a zip', () => samplePng(3), 'ARCHIVE'],
  ])('refuses %s before importing anything', async (_n, archive, code) => {
    const before = (await t.p.registration.listMine({ id: (await c.get('/api/session')).json.user.id, role: 'creator' }, undefined, 1, 1)).total;
    const r = await c.upload('POST', '/api/imports', [{ name: 'csv', filename: 'rows.csv', data: csv(GOOD[0]!) }, { name: 'archive', filename: 'a.zip', data: archive() }]);
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe(code);
    expect(await t.p.store.repos.jobs.pendingOfKind('import.batch')).toBe(0);
    expect((await t.p.registration.listMine({ id: (await c.get('/api/session')).json.user.id, role: 'creator' }, undefined, 1, 1)).total).toBe(before);
    expect(await readdir(path.join(t.dataDir, 'tmp'))).toEqual([]);
  });

  it.each([
    ['a CSV without required columns', Buffer.from('title,category\nx,F\n'), 'CSV'],
    ['a CSV that is not UTF-8', Buffer.from([0x74, 0x69, 0x74, 0x6c, 0x65, 0x0a, 0xc4, 0xe3, 0x0a]), 'CSV'],
    ['a CSV with a broken quote', Buffer.from(`${HEADER}\n"unterminated,F,a,a:100,2026-01-01,,,,,,,,,,x.png\n`), 'CSV'],
  ])('refuses %s', async (_n, data, code) => {
    const r = await c.upload('POST', '/api/imports', [{ name: 'csv', filename: 'rows.csv', data }, { name: 'archive', filename: 'f.zip', data: zip() }]);
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe(code);
  });

  it('imports from a folder with `cws import`', async () => {
    const folder = path.join(t.dataDir, 'import-src');
    await mkdir(path.join(folder, 'notes'), { recursive: true });
    await writeFile(path.join(folder, 'lake.png'), samplePng(7));
    await writeFile(path.join(folder, 'report.pdf'), samplePdf(7));
    await writeFile(path.join(folder, 'notes', 'readme.md'), sampleText(7));
    await writeFile(path.join(folder, 'rows.csv'), csv(GOOD[0]!, GOOD[1]!, GOOD[2]!));
    const env = { ...process.env, ...t.env, ...(t.schema ? { CWS_PG_SCHEMA: t.schema } : {}) };
    const res = await run('npx', ['tsx', 'src/cli/main.ts', 'import', '--csv', path.join(folder, 'rows.csv'), '--files', folder, '--user', `importer-${dialect}`, '--json'], { env }).then(
      (ok) => ({ code: 0, stdout: ok.stdout }),
      (e: { code: number; stdout: string }) => e,
    );
    expect(res.code).toBe(2); // one row failed
    const report = JSON.parse(res.stdout) as { created: number; failed: number; rows: { status: string }[] };
    expect(report).toMatchObject({ created: 2, failed: 1 });
  });
});
