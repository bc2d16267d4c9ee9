import { CompiledQuery, sql, type Kysely, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, type QueryResult, type RootOperationNode, type UnknownRow } from 'kysely';
import type { DB } from '../src/db/schema.js';
import { WorksRepository } from '../src/repositories/works.repository.js';
import { buildServer } from '../src/routes/server.js';
import { log, within, type DialectName } from './lib/env.js';
import { openPlatform, signInInject } from './lib/platform.js';
import { DIALECTS, type BenchOptions, type BenchReport, type Figure } from './lib/report.js';
import { seedWorks } from './lib/seed.js';
import { msSince, round, summarize } from './lib/stats.js';

const GOAL_MS = 50;
const PAGE_SIZE = 20;

/** Times every query run through it (compile + execute), to split a request into its SQL parts. */
class TimingPlugin implements KyselyPlugin {
  private readonly open = new Map<string, { t: bigint; node: RootOperationNode }>();
  readonly done: { ms: number; node: RootOperationNode }[] = [];
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.open.set(args.queryId.queryId, { t: process.hrtime.bigint(), node: args.node });
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const o = this.open.get(args.queryId.queryId);
    if (o) {
      this.open.delete(args.queryId.queryId);
      this.done.push({ ms: msSince(o.t), node: o.node });
    }
    return args.result;
  }
}

interface Variant {
  name: string;
  qs: (i: number) => string;
}

function variants(n: number): Variant[] {
  const firstPages = (i: number) => 1 + (i % 5);
  // Deep pages: offsets between 40 % and 90 % of the registry.
  const lastPage = Math.floor((n * 0.98) / PAGE_SIZE);
  const deep = (i: number) => Math.floor(lastPage * 0.4) + ((i * 37) % Math.floor(lastPage * 0.5));
  return [
    { name: 'default (submittedAt desc)', qs: (i) => `page=${firstPages(i)}&pageSize=${PAGE_SIZE}` },
    { name: 'status=submitted', qs: (i) => `status=submitted&page=${firstPages(i)}&pageSize=${PAGE_SIZE}` },
    { name: 'sort=title asc', qs: (i) => `sort=title&order=asc&page=${firstPages(i)}&pageSize=${PAGE_SIZE}` },
    { name: 'search q=某', qs: (i) => `q=${encodeURIComponent('某')}&page=${1 + (i % 3)}&pageSize=${PAGE_SIZE}` },
    // 2 characters (below a trigram), 4 characters (the trigram index) and Latin text.
    { name: 'search q=某日', qs: (i) => `q=${encodeURIComponent('某日')}&page=${1 + (i % 3)}&pageSize=${PAGE_SIZE}` },
    { name: 'search q=湖畔写生', qs: () => `q=${encodeURIComponent('湖畔写生')}&pageSize=${PAGE_SIZE}` },
    { name: 'search q=no.12', qs: (i) => `q=no.12${i % 10}&pageSize=${PAGE_SIZE}` },
    { name: 'deep page (offset 40–90 %)', qs: (i) => `page=${deep(i)}&pageSize=${PAGE_SIZE}` },
  ];
}

async function explain(db: Kysely<DB>, dialect: DialectName, node: RootOperationNode): Promise<string[]> {
  const q = db.getExecutor().compileQuery(node, { queryId: 'explain' });
  const prefix = dialect === 'sqlite' ? 'EXPLAIN QUERY PLAN ' : 'EXPLAIN ';
  const r = await db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(prefix + q.sql, [...q.parameters]));
  return r.rows.map((row) => (dialect === 'sqlite' ? `${String(row.detail)}` : String(row['QUERY PLAN'])));
}

async function one(dialect: DialectName, opts: BenchOptions) {
  const n = opts.quick ? 20_000 : 100_000;
  const requests = opts.quick ? 60 : 200;
  const warm = opts.quick ? 5 : 20;
  const bp = await openPlatform(dialect);
  const app = await buildServer(bp.p, { logger: false });
  try {
    const password = 'bench-password-1';
    const reviewer = await bp.p.auth.createAccount('bench-reviewer', password, '压测审核员', 'reviewer');
    log(`queue ${dialect}: seeding ${n} registrations…`);
    const seed = await seedWorks(bp.p.database.db, n, [reviewer.id]);
    log(`queue ${dialect}: seeded ${seed.works} works, ${seed.events} events in ${round(seed.seconds, 1)} s`);
    // PostgreSQL's autovacuum would vacuum and analyze freshly loaded tables within a minute
    // or so; do it now (only our schema's tables: the search_path points at the bench schema).
    if (dialect === 'postgres') {
      for (const t of ['users', 'works', 'blobs', 'work_files', 'work_events', 'counters']) await sql`VACUUM ANALYZE ${sql.table(t)}`.execute(bp.p.database.db);
    }
    await app.ready();
    const session = await signInInject(app, 'bench-reviewer', password);
    const headers = { cookie: session.cookie, 'accept-language': 'zh-CN' };
    const vs = variants(n);
    // The works repository of the running platform is swapped for one whose queries are timed
    // (same class, same database): each request's SQL can then be told apart from the rest
    // (Fastify, session lookup, validation, serialization) without copying any query here.
    const timing = new TimingPlugin();
    const timedDb = bp.p.database.db.withPlugin(timing);
    bp.p.store.repos.works = new WorksRepository(timedDb, bp.p.database.dialect);
    const samples = vs.map(() => ({ server: [] as number[], sql: [] as number[], perQuery: [] as number[][], nodes: [] as RootOperationNode[] }));
    const totals = vs.map(() => -1);
    const get = async (v: Variant, i: number) => {
      timing.done.length = 0;
      const t = process.hrtime.bigint();
      const res = await app.inject({ method: 'GET', url: `/api/review/works?${v.qs(i)}`, headers });
      const ms = msSince(t);
      if (res.statusCode !== 200) throw new Error(`${v.name}: HTTP ${res.statusCode} ${res.body.slice(0, 300)}`);
      const body = res.json<{ items: unknown[]; total: number }>();
      if (body.items.length !== Math.min(PAGE_SIZE, body.total)) throw new Error(`${v.name}: ${body.items.length} items for total ${body.total}`);
      return { ms, total: body.total, queries: [...timing.done] };
    };
    for (let i = 0; i < warm; i++) for (const v of vs) await get(v, i);
    // Round-robin over the variants, so that machine noise spreads evenly over them.
    for (let i = 0; i < requests; i++) {
      for (let k = 0; k < vs.length; k++) {
        const r = await get(vs[k]!, i);
        const s = samples[k]!;
        s.server.push(r.ms);
        s.sql.push(r.queries.reduce((a, q) => a + q.ms, 0));
        r.queries.forEach((q, j) => {
          (s.perQuery[j] ??= []).push(q.ms);
          s.nodes[j] ??= q.node;
        });
        totals[k] = r.total;
      }
    }
    const out = [];
    for (let k = 0; k < vs.length; k++) {
      const v = vs[k]!;
      const s = samples[k]!;
      const server = summarize(s.server);
      const sqlMs = summarize(s.sql);
      const queries = [];
      for (let j = 0; j < s.perQuery.length; j++) {
        const node = s.nodes[j]!;
        const compiled = bp.p.database.db.getExecutor().compileQuery(node, { queryId: `q${j}` });
        queries.push({ sql: compiled.sql.length > 160 ? `${compiled.sql.slice(0, 160)}…` : compiled.sql, ms: summarize(s.perQuery[j]!), plan: await explain(bp.p.database.db, dialect, node) });
      }
      out.push({ variant: v.name, example: `/api/review/works?${v.qs(0)}`, total: totals[k], serverMs: server, sqlMs, queries });
      log(`queue ${dialect} ${v.name}: p50 ${server.p50} ms, p95 ${server.p95} ms (SQL p50 ${sqlMs.p50} ms in ${queries.length} queries: ${queries.map((q) => q.ms.p50).join(' + ')}; total ${totals[k]})`);
    }
    return { registrations: n, seed, requestsPerVariant: requests, warmUpPerVariant: warm, variants: out };
  } finally {
    await within(`${dialect}: server close`, app.close());
    await bp.close();
  }
}

export async function queue(opts: BenchOptions): Promise<BenchReport> {
  const results: Record<string, unknown> = {};
  const figures: Figure[] = [];
  const errors: string[] = [];
  for (const dialect of DIALECTS) {
    if (dialect === 'postgres' && opts.pgSkip) {
      results[dialect] = { skipped: opts.pgSkip };
      figures.push({ bench: 'queue', dialect, metric: 'review queue page p50', value: null, unit: 'ms', note: opts.pgSkip });
      continue;
    }
    try {
      const r = await one(dialect, opts);
      results[dialect] = r;
      for (const v of r.variants) {
        figures.push({
          bench: 'queue', dialect, metric: `queue ${v.variant} (${r.registrations / 1000}k works) p50`, value: v.serverMs.p50,
          unit: `ms (p95 ${v.serverMs.p95}; SQL ${v.sqlMs.p50})`, goal: `p50 ≤ ${GOAL_MS} ms`, met: v.serverMs.p50 <= GOAL_MS,
        });
      }
    } catch (e) {
      const msg = (e as Error).message;
      log(`queue ${dialect} FAILED: ${msg}`);
      errors.push(`${dialect}: ${msg}`);
      results[dialect] = { error: msg };
      figures.push({ bench: 'queue', dialect, metric: 'review queue page p50', value: null, unit: 'ms', note: `FAILED: ${msg.slice(0, 200)}` });
    }
  }
  return {
    method:
      `Registrations seeded straight into the database through the platform's Kysely (batched multi-row INSERTs in transactions: works, blobs, work_files, work_events; ` +
      `~82 % approved with registration numbers, 6 % submitted, 3 % in review, 6 % rejected, the rest draft/withdrawn/changes requested; 1 % of titles contain 某). ` +
      `PostgreSQL gets VACUUM ANALYZE of the loaded tables (as autovacuum would soon); SQLite is left as the app leaves it (no ANALYZE). ` +
      `A signed-in reviewer then calls GET /api/review/works through app.inject (full Fastify pipeline: session lookup, validation, serialization, no socket), ` +
      `one request at a time, round-robin over the variants after a warm-up; server time = process.hrtime around inject. ` +
      `Breakdown: during the same requests the platform's WorksRepository is swapped for one on a Kysely timing plugin, so each request's SQL (every query of page(), compile + execute) is timed; EXPLAIN plans are recorded.`,
    results,
    figures,
    ...(errors.length ? { errors } : {}),
  };
}
