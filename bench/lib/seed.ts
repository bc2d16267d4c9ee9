import { randomBytes } from 'node:crypto';
import type { Insertable, Kysely } from 'kysely';
import { CATEGORIES } from '../../src/domain/categories.js';
import { newId } from '../../src/domain/ids.js';
import { counterScope, formatRegistrationNumber } from '../../src/domain/numbering.js';
import type { DB, UsersTable, WorkEventsTable, WorkFilesTable, WorksTable } from '../../src/db/schema.js';

/** Deterministic PRNG (mulberry32) so that every run seeds the same mix. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PLACES = ['校园', '春日', '秋夜', '湖畔', '图书馆', '实验室', '晨曦', '山水', '城市', '旧巷', '雪后', '星空'];
const SUBJECTS = ['写生', '随笔', '变奏曲', '设计图', '摄影集', '雕塑', '长卷', '组曲', '剪纸', '模型', '短片', '地图'];
const SURNAMES = ['李', '王', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙'];
const GIVEN = ['明', '芳', '伟', '静', '磊', '婷', '强', '敏', '洋', '丽', '杰', '雪', '晨', '宇'];

/** Status mix of a registry that has run for two years: mostly approved, a tail of open cases. */
function pickStatus(r: number): WorksTable['status'] {
  if (r < 0.01) return 'draft';
  if (r < 0.07) return 'submitted';
  if (r < 0.1) return 'in_review';
  if (r < 0.11) return 'changes_requested';
  if (r < 0.12) return 'withdrawn';
  if (r < 0.18) return 'rejected';
  return 'approved';
}

export interface SeedResult {
  works: number;
  files: number;
  events: number;
  users: number;
  byStatus: Record<string, number>;
  /** Works whose title or authors contain 某 (the search variant). */
  withMou: number;
  seconds: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Inserts n registrations straight into the database (not through HTTP): batched multi-row
 * INSERTs inside transactions, for works, blobs, work_files and work_events.
 */
export async function seedWorks(db: Kysely<DB>, n: number, reviewerIds: string[], opts: { batch?: number; perTx?: number; prefix?: string } = {}): Promise<SeedResult> {
  const t0 = process.hrtime.bigint();
  const rand = prng(20261125);
  const batch = opts.batch ?? 400;
  const perTx = opts.perTx ?? 5000;
  const prefix = opts.prefix ?? '校作登字';
  const nowMs = Date.now();
  const spanMs = 2 * 365 * 86_400_000;
  const start = nowMs - spanMs;

  // Creators (direct rows: they never sign in, so a placeholder hash is fine).
  const creators: Insertable<UsersTable>[] = [];
  for (let i = 0; i < 300; i++) {
    const name = `${SURNAMES[i % SURNAMES.length]}${GIVEN[(i * 7) % GIVEN.length]}${i}`;
    creators.push({ id: newId(start - 86_400_000 + i), username: `seed-creator-${i}`, password_hash: 'x', display_name: name, real_name: name, campus_id: `2024${String(i).padStart(5, '0')}`, unit: '示范大学', email: '', role: 'creator', locale: 'zh-CN', disabled: 0, must_change_password: 0, created_at: iso(start), updated_at: iso(start) });
  }
  await db.insertInto('users').values(creators).execute();

  const byStatus: Record<string, number> = {};
  const serialByYear = new Map<number, number>();
  let files = 0;
  let events = 0;
  let withMou = 0;
  let i = 0;
  while (i < n) {
    const txEnd = Math.min(n, i + perTx);
    await db.transaction().execute(async (trx) => {
      while (i < txEnd) {
        const end = Math.min(txEnd, i + batch);
        const works: Insertable<WorksTable>[] = [];
        const blobRows: { sha256: string; size: number; created_at: string }[] = [];
        const fileRows: Insertable<WorkFilesTable>[] = [];
        const eventRows: Insertable<WorkEventsTable>[] = [];
        for (; i < end; i++) {
          const createdMs = start + Math.floor((spanMs * i) / n) + Math.floor(rand() * 60_000);
          const submittedMs = createdMs + 60_000 + Math.floor(rand() * 3_600_000);
          const reviewedMs = submittedMs + 3_600_000 + Math.floor(rand() * 5 * 86_400_000);
          const status = pickStatus(rand());
          byStatus[status] = (byStatus[status] ?? 0) + 1;
          const cat = CATEGORIES[Math.floor(rand() * CATEGORIES.length)]!;
          const creator = creators[Math.floor(rand() * creators.length)]!;
          const reviewer = reviewerIds[Math.floor(rand() * reviewerIds.length)]!;
          const mou = rand() < 0.01;
          if (mou) withMou++;
          const title = `${mou ? '某日·' : ''}${PLACES[Math.floor(rand() * PLACES.length)]}${SUBJECTS[Math.floor(rand() * SUBJECTS.length)]} No.${i + 1}`;
          const authors = [{ name: creator.display_name }, ...(rand() < 0.3 ? [{ name: `${SURNAMES[Math.floor(rand() * SURNAMES.length)]}老师` }] : [])];
          const submitted = status !== 'draft';
          const claimed = status !== 'draft' && status !== 'submitted' && status !== 'withdrawn';
          const decided = status === 'approved' || status === 'rejected' || status === 'changes_requested';
          let regNo: string | null = null;
          if (status === 'approved') {
            const year = new Date(reviewedMs).getUTCFullYear();
            const serial = (serialByYear.get(year) ?? 0) + 1;
            serialByYear.set(year, serial);
            regNo = formatRegistrationNumber(prefix, year, cat.code, serial);
          }
          const id = newId(createdMs);
          const lastMs = decided ? reviewedMs : claimed ? submittedMs + 3_600_000 : submitted ? submittedMs : createdMs;
          works.push({
            id, owner_id: creator.id, title, category: cat.key, description: '批量生成的基准测试数据 / benchmark data',
            authors: JSON.stringify(authors), authors_text: authors.map((a) => a.name).join('、'),
            owners: JSON.stringify([{ name: creator.display_name, kind: 'person', share: 100 }]),
            completed_on: iso(createdMs - 30 * 86_400_000).slice(0, 10), publication: JSON.stringify({ status: 'unpublished' }),
            ai_disclosure: JSON.stringify({ used: false, tools: '', prompts: '', humanContribution: '', claimedParts: '', excludedParts: '' }),
            status, ever_submitted: submitted ? 1 : 0, reviewer_id: claimed ? reviewer : null,
            submitted_at: submitted ? iso(submittedMs) : null, reviewed_at: decided ? iso(reviewedMs) : null,
            review_reason: status === 'rejected' || status === 'changes_requested' ? '材料不完整（基准数据）' : null,
            registration_number: regNo, registered_at: regNo ? iso(reviewedMs) : null, import_batch_id: null,
            created_at: iso(createdMs), updated_at: iso(lastMs),
          });
          const sha256 = randomBytes(32).toString('hex');
          const size = 50_000 + Math.floor(rand() * 5_000_000);
          blobRows.push({ sha256, size, created_at: iso(createdMs) });
          fileRows.push({ id: newId(createdMs), work_id: id, sha256, filename: `作品${i + 1}.png`, media_type: 'image/png', kind: 'image', size, position: 0, created_at: iso(createdMs) });
          const ev = (action: string, from: string | null, to: string, atMs: number, actor: string, extra: Partial<Insertable<WorkEventsTable>> = {}) =>
            eventRows.push({ id: newId(atMs), work_id: id, actor_id: actor, action, from_status: from, to_status: to, reason: null, data: '{}', created_at: iso(atMs), ...extra });
          ev('create', null, 'draft', createdMs, creator.id, { data: JSON.stringify({ files: 1 }) });
          if (submitted) ev('submit', 'draft', 'submitted', submittedMs, creator.id);
          if (status === 'withdrawn') ev('withdraw', 'submitted', 'withdrawn', submittedMs + 1_000, creator.id);
          if (claimed) ev('claim', 'submitted', 'in_review', submittedMs + 3_600_000, reviewer);
          if (status === 'approved') ev('approve', 'in_review', 'approved', reviewedMs, reviewer, { data: JSON.stringify({ registrationNumber: regNo }) });
          if (status === 'rejected') ev('reject', 'in_review', 'rejected', reviewedMs, reviewer, { reason: '材料不完整（基准数据）' });
          if (status === 'changes_requested') ev('request_changes', 'in_review', 'changes_requested', reviewedMs, reviewer, { reason: '材料不完整（基准数据）' });
        }
        await trx.insertInto('works').values(works).execute();
        await trx.insertInto('blobs').values(blobRows).execute();
        await trx.insertInto('work_files').values(fileRows).execute();
        for (let k = 0; k < eventRows.length; k += batch) await trx.insertInto('work_events').values(eventRows.slice(k, k + batch)).execute();
        files += fileRows.length;
        events += eventRows.length;
      }
    });
  }
  for (const [year, value] of serialByYear) {
    await db.insertInto('counters').values({ scope: counterScope(year), value }).onConflict((oc) => oc.column('scope').doUpdateSet({ value })).execute();
  }
  return { works: n, files, events, users: creators.length, byStatus, withMou, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}
