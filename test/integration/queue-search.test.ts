import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, nowIso } from '../../src/domain/ids.js';
import { exactTextMatch } from '../../src/repositories/search.js';
import { dialects, testPlatform, type TestPlatform } from '../support/platform.js';

const ds = await dialects();

// Texts chosen to trip a substring index: CJK runs shorter and longer than a trigram, mixed
// case, LIKE's wildcards and escape character as literal text, quotes (FTS5 syntax), a
// non-ASCII capital (SQLite's LIKE folds ASCII only; FTS5 folds all), repeated characters.
const TITLES = [
  '某', '某某', '某作品', '某某作品集', '春天的某个早晨', '作品', '美术作品：山水', '《某》', '某a',
  'abc', 'ABC', 'xAbCx', 'ab', 'a', 'Abstract Art', 'The Smith Song', 'smithy',
  '100% 原创', '50%折扣', 'a_b', 'a%b', 'aXb', 'back\\slash', '双引号"标题"', "it's", 'Élan vital', 'élan',
  '  spaced  out  ', '某_某', 'ab%c_d', '图', '图图图', '地图册',
];
const AUTHORS = ['张三', '李四、某人', 'Smith, J.', 'O\'Neil', '王_五', '赵%六', 'ÉMILE', ''];
const QUERIES = [
  '某', '某某', '某作品', '某某作品', '作品', '品', '图', '图图', '图图图', '地图',
  'a', 'A', 'ab', 'AB', 'abc', 'ABC', 'bcx', 'smith', 'SMITH', 'Smith, J', 'song',
  '%', '_', '\\', '%b', 'a_b', 'a%b', '50%', '100%', '% 原', '_某', '"', '"标题"', "'", "it's",
  'É', 'é', 'élan', 'ÉLAN', 'émile', 'ÉMILE', ' ', '  ', 'd out', '李四、', '、某', '某人',
  '-2026-', 'F-0000', '测作登字', '0000001', 'nothing-matches-this', '的某个早', '：',
  '某a', 'a某', '品 ', '》', '《某》', '某_', '_某',
];

describe.each(ds)('review queue text search on %s', (dialect) => {
  let t: TestPlatform;
  let ownerId: string;
  const ids: string[] = [];
  beforeAll(async () => {
    t = await testPlatform(dialect);
    const owner = await t.p.auth.createAccount('search-owner', 'search-password-1', '搜索测试', 'creator');
    ownerId = owner.id;
    const now = nowIso();
    let serial = 0;
    for (const [i, title] of TITLES.entries()) {
      const id = newId();
      ids.push(id);
      const approved = i % 3 === 0;
      await t.p.store.repos.works.insert({
        id, owner_id: ownerId, title, category: 'fine_art', description: '某 abc', authors: '[]', authors_text: AUTHORS[i % AUTHORS.length]!, owners: '[]',
        completed_on: '2026-01-01', publication: '{}', ai_disclosure: '{}', status: approved ? 'approved' : i === 5 ? 'draft' : 'submitted', ever_submitted: i === 5 ? 0 : 1,
        reviewer_id: null, submitted_at: new Date(Date.parse(now) - i * 1000).toISOString(), reviewed_at: null, review_reason: null,
        registration_number: approved ? `测作登字-2026-F-${String(++serial).padStart(8, '0')}` : null, registered_at: null, import_batch_id: null, created_at: now, updated_at: now,
      });
    }
  });
  afterAll(async () => t.cleanup());

  /** The queue's answer for q, as ids in order. */
  const viaQueue = async (q: string) => {
    const r = await t.p.store.repos.works.page({ statuses: [], excludeDrafts: true, q, sort: 'submitted_at', order: 'desc', limit: 100, offset: 0 });
    return { ids: r.items.map((i) => i.id), total: r.total };
  };
  /** The same filter without the index: the LIKE semantics the queue had before migration 0009. */
  const viaLike = async (q: string) => {
    const rows = await t.p.database.db
      .selectFrom('works')
      .select('id')
      .where('status', '<>', 'draft')
      .where((eb) => exactTextMatch(eb, dialect, q))
      .orderBy('submitted_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map((r) => r.id);
  };

  const same = async (queries: string[]) => {
    let nonEmpty = 0;
    for (const q of queries) {
      const expected = await viaLike(q);
      const got = await viaQueue(q);
      expect({ q, ids: got.ids, total: got.total }).toEqual({ q, ids: expected, total: expected.length });
      if (expected.length) nonEmpty++;
    }
    return nonEmpty;
  };

  it('finds exactly what LIKE finds, for 1-, 2-, 3+-character CJK and Latin queries, wildcards and quotes', async () => {
    const nonEmpty = await same(QUERIES);
    // The comparison means something only if most queries do match rows.
    expect(nonEmpty).toBeGreaterThan(QUERIES.length * 0.7);
    // Spot checks of the semantics themselves (not only "same as before").
    const titles = async (q: string) => (await viaQueue(q)).ids.map((id) => TITLES[ids.indexOf(id)]);
    expect(await titles('%')).toEqual(expect.arrayContaining(['100% 原创', '50%折扣', 'a%b', 'ab%c_d']));
    expect(await titles('%')).not.toContain('abc');
    expect(await titles('a_b')).toEqual(['a_b']);
    expect(await titles('某某')).toEqual(expect.arrayContaining(['某某', '某某作品集']));
    expect((await titles('某某')).length).toBe(2);
    expect(await titles('作品')).not.toContain('作品'); // a draft: not in the queue
  });

  it('finds a work by its exact id and by a fragment of its registration number', async () => {
    const approved = ids[3]!;
    expect((await viaQueue(approved)).ids).toEqual([approved]);
    expect((await viaQueue('F-00000002')).ids).toEqual([approved]);
  });

  it('follows edits, number assignment and deletion in the same transaction', async () => {
    const id = ids[1]!; // '某某', submitted
    await t.p.store.tx(async (r) => {
      await r.works.update(id, { title: 'Renamed 斑马作品 Zebra' });
    });
    expect((await viaQueue('zebra')).ids).toEqual([id]);
    expect((await viaQueue('斑')).ids).toEqual([id]);
    expect((await viaQueue('斑马')).ids).toEqual([id]);
    expect((await viaQueue('某某')).ids).not.toContain(id);
    await t.p.store.tx(async (r) => {
      await r.works.update(id, { registration_number: '测作登字-2026-F-99999999', status: 'approved' });
    });
    expect((await viaQueue('99999999')).ids).toEqual([id]);
    expect((await viaQueue('99')).ids).toEqual([id]);
    // A rolled-back edit leaves the index as it was.
    await expect(t.p.store.tx(async (r) => {
      await r.works.update(id, { title: 'Ghost title' });
      throw new Error('roll back');
    })).rejects.toThrow('roll back');
    expect((await viaQueue('ghost')).ids).toEqual([]);
    expect((await viaQueue('zebra')).ids).toEqual([id]);
    await t.p.store.tx(async (r) => r.works.delete(ids[4]!)); // '春天的某个早晨'
    expect((await viaQueue('早晨')).ids).toEqual([]);
    expect((await viaQueue('晨')).ids).toEqual([]);
    expect(await same(QUERIES)).toBeGreaterThan(0);
  });
});
