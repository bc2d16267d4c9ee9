import {
  consistencyProof,
  consistencyProofNodeIds,
  cosignatureVerifier,
  decodeTimestampedSignature,
  formatNote,
  leafHash,
  openCheckpoint,
  parseNote,
  parseSignatureLines,
  TILE_WIDTH,
  verifyConsistency,
  type Checkpoint,
} from '../ledger/index.js';
import { AppError } from '../domain/errors.js';
import type { Actor } from '../domain/review.js';
import { approvalLeafMatches, checkApprovalLeaf, impliedFindings, type ApprovalRecord, type Finding } from '../log/approval-leaf.js';
import { decodeLeaf, leafValue } from '../log/leaf.js';
import { nodeSourceFor } from '../log/tile-reader.js';
import { splitHashes } from '../log/tree-growth.js';
import { TreeRecompute } from '../log/tree-recompute.js';
import type { LogCheckpointRow, LogEntryRow, SourceRows } from '../repositories/log.repository.js';
import { RepositoryAuditReader, SqliteAuditReader, type AuditEntryRow, type AuditReader, type AuditSource } from '../repositories/log-audit-read.js';
import type { Store } from '../repositories/store.js';
import type { LogIdentity } from './log.service.js';
import { checkEventEntries, registryEventFindings } from './log-audit-events.js';
import { isEventKind } from '../log/event-leaf.js';
import { describeConnection } from './log-audit/connection.js';
import { AuditPool, type RangeRequest, type RangeResult } from './log-audit/pool.js';

export type AuditProblem = Finding;

export interface AuditReport {
  ok: boolean;
  entries: number;
  treeSize: number;
  checkpoints: number;
  cosignatures: number;
  timestamps: number;
  /** The first MAX_LISTED problems; `problemCount` has them all. */
  problems: AuditProblem[];
  problemCount: number;
  durationMs: number;
  /** Threads that checked the entries (1: this one). */
  threads: number;
  /** Entries whose personal data was erased (log_erasures): their commitments can no longer be checked. */
  erased: number;
}

const MAX_LISTED = 10_000;

/** Findings, counted in full but listed only up to a cap (a mass edit can touch every row). */
class Problems {
  readonly items: AuditProblem[] = [];
  count = 0;
  /** Entries whose personal data was erased on record: checked for their public fields only. */
  erased = 0;
  push(...found: AuditProblem[]): void {
    for (const p of found) {
      this.count++;
      if (this.items.length < MAX_LISTED) this.items.push(p);
    }
  }
  /** Another list's findings, `count` of them in all (a worker lists up to the same cap). */
  merge(items: readonly AuditProblem[], count: number): void {
    this.push(...items);
    this.count += count - items.length;
  }
}

/** Checks a stored RFC 3161 token for a checkpoint note; returns which field fails and why, or null. */
export type TimestampCheck = (token: Uint8Array, note: string, genTime: string) => { field: string; problem: string } | null;

const CHUNK = TILE_WIDTH * 16;
/** Entries per unit of work handed to a thread. */
const RANGE = CHUNK * 8;

export interface AuditParallelism {
  /** Worker threads for the range checks; 1 checks in this thread. */
  threads: number;
  /** PostgreSQL URL for the workers' own clients (the SQLite file is found from the connection). */
  databaseUrl: string | undefined;
}

export interface AuditOptions {
  /** Overrides the configured number of threads. */
  threads?: number;
  /** Entries per range (tests use small ranges to exercise the threads on a small log). */
  rangeSize?: number;
}

const toRecord = (work: ApprovalRecord['work'], event: ApprovalRecord['event'], files: readonly (Omit<ApprovalRecord['files'][number], 'size'> & { size: number | string })[]): ApprovalRecord => ({
  work,
  event,
  // PostgreSQL returns bigint sizes as text; SQLite (and the audit's own reader) as numbers.
  files: files.every((f) => typeof f.size === 'number') ? (files as ApprovalRecord['files']) : files.map((f) => ({ ...f, size: Number(f.size) })),
});
const ZERO = new Uint8Array(32);
const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
const same = (a: Uint8Array | undefined, b: Uint8Array | undefined): boolean => a !== undefined && b !== undefined && Buffer.compare(a, b) === 0;

/**
 * The registry audit (`cws audit`): recomputes every leaf from the stored rows and the tree
 * from the leaves, and checks every checkpoint signature, cosignature, timestamp and the
 * consistency of each checkpoint with the next. The signed checkpoints are the ground truth:
 * where a leaf and its tile disagree, whichever leads to the signed roots is the original.
 */
export class LogAuditService {
  constructor(
    private readonly store: Store,
    private readonly identity: LogIdentity,
    private readonly checkTimestamp?: TimestampCheck,
    private readonly parallel: AuditParallelism = { threads: 1, databaseUrl: undefined },
  ) {}

  /** The audit on behalf of someone: administrators only (it reads every registration). */
  runAs(actor: Actor): Promise<AuditReport> {
    if (actor.role !== 'admin') throw new AppError('FORBIDDEN', 'administrators only');
    return this.run();
  }

  /** A service that only checks ranges (an audit worker thread): no identity needed. */
  static rangeChecker(store: Store): LogAuditService {
    return new LogAuditService(store, { origin: '', vkey: '', ownVkey: '', verifiers: [], verifierKeys: [], signer: null });
  }

  /**
   * The integrated part of the log in ranges, in index order: checked on worker threads
   * when there is more than one range and the database can be opened from another thread,
   * otherwise here.
   */
  private async *ranges(treeSize: number, opts: AuditOptions, used: { threads: number }): AsyncGenerator<RangeResult> {
    // Whole tiles per range, so that each level-0 tile is checked by one thread.
    const size = Math.ceil((opts.rangeSize ?? RANGE) / TILE_WIDTH) * TILE_WIDTH;
    const requests: RangeRequest[] = [];
    for (let start = 0; start < treeSize; start += size) requests.push({ start, end: Math.min(treeSize, start + size), treeSize });
    const threads = Math.min(opts.threads ?? this.parallel.threads, requests.length);
    const connection = requests.length > 0 ? await describeConnection(this.store, this.parallel.databaseUrl) : undefined;
    if (!connection || threads <= 1) {
      // In this thread: SQLite through a read-only connection of the audit's own (raw rows).
      const reader = connection?.dialect === 'sqlite' ? new SqliteAuditReader(connection.file) : new RepositoryAuditReader(this.store.repos.log);
      try {
        for (const r of requests) yield await this.checkRange(r.start, r.end, r.treeSize, reader);
      } finally {
        reader.close();
      }
      return;
    }
    const pool = new AuditPool(threads, connection);
    used.threads = threads;
    try {
      yield* pool.run(requests);
    } finally {
      await pool.close();
    }
  }

  /**
   * Checks entries [start, end) of the integrated tree: each leaf against its level-0 tile,
   * and each entry against the rows it records. Returns the leaf hashes (the entry's, or the
   * tile's where the entry is missing) for the tree rebuild, and the indices where entry and
   * tile disagree, which only the signed roots can settle.
   */
  async checkRange(from: number, to: number, treeSize: number, reader: AuditReader = new RepositoryAuditReader(this.store.repos.log)): Promise<RangeResult> {
    const problems = new Problems();
    const blame = (table: string, row: string | number, field: string, problem: string) => problems.push({ table, row: String(row), field, problem });
    const hashes = new Uint8Array((to - from) * 32);
    const disputed: number[] = [];
    let divergent = false;
    let entries = 0;
    const shortTiles = new Set<number>();
    // Each chunk's rows are read while the one before is being checked (PostgreSQL answers
    // meanwhile; SQLite reads synchronously anyway).
    const step = reader.chunkSize;
    const load = async (start: number) => {
      const end = Math.min(to, treeSize, start + step);
      return { end, ...(await reader.chunk(start, end, Math.floor(start / TILE_WIDTH), Math.ceil(end / TILE_WIDTH))) };
    };
    const prefetch = (start: number) => {
      const p = load(start);
      p.catch(() => undefined); // awaited in the next round; never an unhandled rejection meanwhile
      return p;
    };
    let next = from < to ? prefetch(from) : undefined;
    for (let start = from; start < to; start += step) {
      const chunk = await next!;
      next = start + step < to ? prefetch(start + step) : undefined;
      const { end, rows } = chunk;
      entries += rows.length;
      const tiles = new Map(chunk.tiles.map((t) => [Number(t.idx), t]));
      for (const tile of tiles.values()) {
        if (tile.width * 32 !== tile.hashes.length) blame('log_tiles', `0/${tile.idx}`, 'width', `is ${tile.width}, the tile holds ${tile.hashes.length / 32} hashes`);
      }
      // Rows come in index order: with none missing, row i is at i - start (no map needed).
      const contiguous = rows.length === end - start;
      const byIndex = contiguous ? undefined : new Map(rows.map((r) => [Number(r.idx), r]));
      const checkRows: AuditEntryRow[] = [];
      for (let i = start; i < end; i++) {
        const row = byIndex ? byIndex.get(i) : rows[i - start];
        const eh = row ? leafHash(row.entry) : undefined;
        const tileIndex = Math.floor(i / TILE_WIDTH);
        const tile = tiles.get(tileIndex);
        const at = (i % TILE_WIDTH) * 32;
        const hasTile = tile !== undefined && tile.hashes.length >= at + 32;
        if (!row) blame('log_entries', i, 'idx', 'row is missing; the tree has a leaf at this index');
        if (!hasTile && !shortTiles.has(tileIndex)) {
          shortTiles.add(tileIndex);
          blame('log_tiles', `0/${tileIndex}`, 'hashes', 'tile is missing or too short');
        }
        // Where one side is missing, the other stands in so the rest of the tree can be checked.
        const standIn = eh ?? (hasTile ? tile.hashes.subarray(at, at + 32) : ZERO);
        hashes.set(standIn, (i - from) * 32);
        if (!row || !hasTile) divergent = true;
        else if (tile.hashes.compare(eh!, 0, 32, at, at + 32) !== 0) {
          divergent = true;
          disputed.push(i);
        } else checkRows.push(row);
      }
      await this.checkRows(checkRows, problems, checkRows.length === rows.length ? chunk.sources : undefined);
    }
    return { start: from, end: to, entries, hashes, divergent, disputed, problems: problems.items, problemCount: problems.count, erased: problems.erased };
  }

  async run(opts: AuditOptions = {}): Promise<AuditReport> {
    const started = Date.now();
    const repo = this.store.repos.log;
    const problems = new Problems();
    const blame = (table: string, row: string | number, field: string, problem: string) => problems.push({ table, row: String(row), field, problem });

    const state = await repo.state();
    const treeSize = state ? Number(state.size) : 0;
    const stored = await repo.checkpoints();
    const checkpoints = this.openCheckpoints(stored, blame);
    const sizes = [...new Set([...checkpoints.map((c) => c.size), treeSize])].sort((a, b) => a - b);
    const fromEntries = new TreeRecompute(sizes);
    // Set when some leaf's entry and tile differ or one is missing: then the tree is also
    // rebuilt from the tiles alone, to see which side leads to the signed roots.
    let divergent = false;

    // Leaves whose entry and level-0 tile disagree: settled once the roots are known.
    const disputed: { index: number; row: LogEntryRow | undefined }[] = [];
    let entries = 0;
    const used = { threads: 1 };
    for await (const range of this.ranges(treeSize, opts, used)) {
      entries += range.entries;
      problems.merge(range.problems, range.problemCount);
      problems.erased += range.erased;
      if (range.divergent) divergent = true;
      fromEntries.pushPacked(range.hashes);
      for (const index of range.disputed) disputed.push({ index, row: (await repo.entryRows(index, index + 1))[0] });
    }
    // Sequenced but not yet integrated: no tiles to compare, but the rows must still match.
    for (let next = treeSize; ; ) {
      const page = await repo.entryRowsFrom(next, CHUNK);
      if (page.length === 0) break;
      for (const row of page) {
        if (Number(row.idx) !== next) blame('log_entries', next, 'idx', `rows ${next}..${Number(row.idx) - 1} are missing; entries must be gap-free`);
        next = Number(row.idx) + 1;
      }
      entries += page.length;
      fromEntries.push(page.map((r) => leafHash(r.entry)));
      await this.checkRows(page, problems);
    }

    // Which side leads to the signed checkpoints?
    const fromTiles = divergent ? await this.treeFromTiles(sizes, treeSize) : fromEntries;
    const leadsToCheckpoints = (tree: TreeRecompute) => checkpoints.every((c) => same(tree.roots.get(c.size), c.rootHash));
    const entriesTrue = leadsToCheckpoints(fromEntries);
    const tilesTrue = leadsToCheckpoints(fromTiles);
    const tilesBlamed = new Set<number>();
    const authentic: LogEntryRow[] = [];
    for (const d of disputed) {
      if (entriesTrue && !tilesTrue) {
        const tile = Math.floor(d.index / TILE_WIDTH);
        if (!tilesBlamed.has(tile)) blame('log_tiles', `0/${tile}`, 'hashes', `hash ${d.index % TILE_WIDTH} is not the hash of entry ${d.index}`);
        tilesBlamed.add(tile);
        if (d.row) authentic.push(d.row);
      } else if (tilesTrue && !entriesTrue) {
        blame('log_entries', d.index, 'entry', 'does not hash to the leaf in the signed tree');
      } else {
        blame('log_entries', d.index, 'entry', 'does not hash to its level-0 tile');
      }
    }
    await this.checkRows(authentic, problems);
    const truth = tilesTrue && !entriesTrue ? fromTiles : fromEntries;
    for (const c of checkpoints) {
      if (!same(fromEntries.roots.get(c.size), c.rootHash) && !same(fromTiles.roots.get(c.size), c.rootHash)) {
        blame('log_entries', `0..${c.size - 1}`, 'entry', `entries and tiles do not lead to the root of signed checkpoint ${c.size}`);
      }
    }
    if (state && !same(truth.roots.get(treeSize), state.root)) blame('log_state', 1, 'root', `is not the root of the first ${treeSize} entries`);
    // The key in the data folder is the anchor: a swapped key in the database would let
    // someone re-sign a rewritten log.
    if (state && state.vkey !== this.identity.ownVkey) blame('log_state', 1, 'vkey', 'is not the public key of the signing key in the data folder');
    if (state && state.origin !== this.identity.origin) blame('log_state', 1, 'origin', `is not ${this.identity.origin}, the origin this log was opened with`);
    const latest = checkpoints.at(-1);
    if (latest && latest.size > treeSize) blame('log_state', 1, 'size', `is below the published checkpoint ${latest.size}`);
    await this.checkUpperTiles(truth, treeSize, blame);
    await this.checkConsistency(checkpoints, blame);
    await this.checkUnlogged(blame);
    // Corrections and revocations: every event logged, every status the one its events give.
    problems.push(...(await registryEventFindings(this.store.repos)));
    const cosignatures = await this.checkCosignatures(stored, blame);
    const timestamps = await this.checkTimestamps(stored, blame);

    return { ok: problems.count === 0, entries, treeSize, checkpoints: stored.length, cosignatures, timestamps, problems: problems.items, problemCount: problems.count, durationMs: Date.now() - started, threads: used.threads, erased: problems.erased };
  }

  /** The tree rebuilt from the level-0 tiles, entries standing in for missing tile hashes. */
  private async treeFromTiles(sizes: readonly number[], treeSize: number): Promise<TreeRecompute> {
    const tree = new TreeRecompute(sizes);
    const repo = this.store.repos.log;
    for (let start = 0; start < treeSize; start += CHUNK) {
      const end = Math.min(treeSize, start + CHUNK);
      const tiles = new Map((await repo.tilesOfLevel(0, start / TILE_WIDTH, Math.ceil(end / TILE_WIDTH))).map((t) => [Number(t.idx), t]));
      let rows: Map<number, LogEntryRow> | undefined;
      const t: Uint8Array[] = [];
      for (let i = start; i < end; i++) {
        const tile = tiles.get(Math.floor(i / TILE_WIDTH));
        const at = (i % TILE_WIDTH) * 32;
        if (tile && tile.hashes.length >= at + 32) t.push(tile.hashes.subarray(at, at + 32));
        else {
          rows ??= new Map((await repo.entryRows(start, end)).map((r) => [Number(r.idx), r]));
          const row = rows.get(i);
          t.push(row ? leafHash(row.entry) : ZERO);
        }
      }
      tree.push(t);
    }
    return tree;
  }

  private openCheckpoints(stored: LogCheckpointRow[], blame: (t: string, r: string | number, f: string, p: string) => void): Checkpoint[] {
    const out: Checkpoint[] = [];
    for (const row of stored) {
      try {
        const { checkpoint } = openCheckpoint(row.note, this.identity.origin, this.identity.verifiers);
        if (checkpoint.size !== Number(row.size)) blame('log_checkpoints', row.size, 'size', `the signed note says ${checkpoint.size}`);
        else if (!same(checkpoint.rootHash, row.root)) blame('log_checkpoints', row.size, 'root', `the signed note says ${b64(checkpoint.rootHash)}`);
        out.push(checkpoint);
      } catch (e) {
        blame('log_checkpoints', row.size, 'note', `signature or format does not verify: ${(e as Error).message}`);
      }
    }
    return out.sort((a, b) => a.size - b.size);
  }

  private async checkRows(rows: AuditEntryRow[], problems: Problems, prefetched?: Map<string, AuditSource | SourceRows>): Promise<void> {
    // Fast path: rebuild each approval leaf from the rows its own columns point to; equal
    // bytes settle every field at once. Anything else gets the field-by-field diagnosis.
    if (rows.length === 0) return;
    await this.checkErased(rows, problems);
    const fast = rows.filter((r) => r.kind === 'approval' && r.work_id !== null && r.salt !== null);
    const first = Number(rows[0]!.idx);
    const last = Number(rows.at(-1)!.idx);
    // Rows come as one contiguous run from the chunk loop (or a few disputed ones).
    const sources =
      prefetched ??
      (last - first + 1 === rows.length
        ? await this.store.repos.log.sourceRowsInRange(rows)
        : await this.store.repos.log.sourceRows(fast.map((r) => ({ workId: r.work_id!, eventId: r.event_id }))));
    const fastSet = new Set(fast);
    const slow: AuditEntryRow[] = rows.filter((r) => !fastSet.has(r));
    for (const row of fast) {
      const src = sources.get(row.event_id);
      const record = src?.work && src.event ? toRecord(src.work, src.event, src.files) : undefined;
      if (record && row.created_at === record.event.created_at && approvalLeafMatches(row.entry, record, row.salt!)) problems.push(...impliedFindings(record));
      else slow.push(row);
    }
    if (slow.length > 0) await this.diagnose(slow, problems);
  }

  /**
   * An entry without a salt is either an erasure on record (counted, and its public fields
   * still checked) or an edit that removed the salt.
   */
  private async checkErased(rows: readonly AuditEntryRow[], problems: Problems): Promise<void> {
    const saltless = rows.filter((r) => r.salt === null && r.work_id !== null).map((r) => Number(r.idx));
    if (saltless.length === 0) return;
    const erased = await this.store.repos.log.erasedAmong(saltless);
    for (const idx of saltless) {
      if (erased.has(idx)) problems.erased++;
      else problems.push({ table: 'log_entries', row: String(idx), field: 'salt', problem: 'is missing, and no erasure of this entry is on record' });
    }
  }

  /** Field-by-field comparison for entries whose leaf does not match their rows outright. */
  private async diagnose(rows: AuditEntryRow[], problems: Problems): Promise<void> {
    const approvals: { row: AuditEntryRow; workId: string; eventId: string }[] = [];
    // Correction and revocation entries are checked by log-audit-events.ts.
    const eventRows: AuditEntryRow[] = [];
    for (const row of rows) {
      let leaf;
      try {
        leaf = decodeLeaf(row.entry);
      } catch (e) {
        problems.push({ table: 'log_entries', row: String(row.idx), field: 'entry', problem: (e as Error).message });
        continue;
      }
      const workId = leafValue(leaf, 'works.id');
      const eventId = leafValue(leaf, 'work_events.id');
      if (row.kind !== leaf.kind) problems.push({ table: 'log_entries', row: String(row.idx), field: 'kind', problem: `is ${row.kind}, the leaf says ${leaf.kind}` });
      if ((workId ?? null) !== row.work_id) problems.push({ table: 'log_entries', row: String(row.idx), field: 'work_id', problem: `is ${row.work_id}, the leaf says ${workId}` });
      if (eventId !== undefined && eventId !== row.event_id) problems.push({ table: 'log_entries', row: String(row.idx), field: 'event_id', problem: `is ${row.event_id}, the leaf says ${eventId}` });
      const time = leafValue(leaf, 'work_events.created_at');
      if (time !== undefined && time !== row.created_at) problems.push({ table: 'log_entries', row: String(row.idx), field: 'created_at', problem: `is ${row.created_at}, the leaf says ${time}` });
      if (isEventKind(leaf.kind)) {
        eventRows.push(row);
        continue;
      }
      if (leaf.kind !== 'approval' || !workId || !eventId) {
        problems.push({ table: 'log_entries', row: String(row.idx), field: 'entry', problem: `kind ${leaf.kind} cannot be checked by this version` });
        continue;
      }
      approvals.push({ row, workId, eventId });
    }
    problems.push(...(await checkEventEntries(this.store.repos, eventRows)));
    const sources = await this.store.repos.log.sourceRows(approvals.map((a) => ({ workId: a.workId, eventId: a.eventId })));
    for (const a of approvals) {
      const src = sources.get(a.eventId)!;
      if (!src.work) {
        problems.push({ table: 'works', row: a.workId, field: 'id', problem: `row is missing; log entry ${a.row.idx} records its approval` });
        continue;
      }
      if (!src.event) {
        problems.push({ table: 'work_events', row: a.eventId, field: 'id', problem: `row is missing; log entry ${a.row.idx} records it` });
        continue;
      }
      problems.push(...checkApprovalLeaf(a.row.entry, toRecord(src.work, src.event, src.files), a.row.salt, String(a.row.idx)));
    }
  }

  private async checkUpperTiles(truth: TreeRecompute, treeSize: number, blame: (t: string, r: string | number, f: string, p: string) => void): Promise<void> {
    for (let level = 1; Math.floor(treeSize / TILE_WIDTH ** level) > 0; level++) {
      const count = Math.ceil(Math.floor(treeSize / TILE_WIDTH ** level) / TILE_WIDTH);
      const tiles = new Map((await this.store.repos.log.tilesOfLevel(level, 0, count)).map((t) => [Number(t.idx), t]));
      for (let index = 0; index < count; index++) {
        const want = truth.upperTile(level, index);
        const tile = tiles.get(index);
        if (!tile || tile.hashes.length < want.length * 32) {
          blame('log_tiles', `${level}/${index}`, 'hashes', 'tile is missing or too short');
          continue;
        }
        if (tile.width * 32 !== tile.hashes.length) blame('log_tiles', `${level}/${index}`, 'width', `is ${tile.width}, the tile holds ${tile.hashes.length / 32} hashes`);
        const have = splitHashes(tile.hashes);
        const bad = want.findIndex((h, i) => !same(h, have[i]));
        if (bad >= 0) blame('log_tiles', `${level}/${index}`, 'hashes', `hash ${bad} is not the root of the tile below`);
      }
    }
  }

  /** Each checkpoint must be provably consistent with the next, with proofs from the stored tiles. */
  private async checkConsistency(checkpoints: Checkpoint[], blame: (t: string, r: string | number, f: string, p: string) => void): Promise<void> {
    for (let i = 1; i < checkpoints.length; i++) {
      const a = checkpoints[i - 1]!;
      const b = checkpoints[i]!;
      if (a.size === 0) continue;
      try {
        const source = await nodeSourceFor(this.store.repos.log, consistencyProofNodeIds(a.size, b.size));
        verifyConsistency(a.size, b.size, consistencyProof(a.size, b.size, source), a.rootHash, b.rootHash);
      } catch (e) {
        blame('log_checkpoints', b.size, 'root', `no consistency proof from checkpoint ${a.size}: ${(e as Error).message}`);
      }
    }
  }

  private async checkUnlogged(blame: (t: string, r: string | number, f: string, p: string) => void): Promise<void> {
    const { works, events } = await this.store.repos.log.unloggedApprovals();
    for (const w of works) blame('works', w.id, 'status', 'approved (or numbered) but not in the registry log');
    for (const e of events) blame('work_events', e.id, 'action', 'an approval the registry log does not record');
  }

  private async checkCosignatures(checkpoints: LogCheckpointRow[], blame: (t: string, r: string | number, f: string, p: string) => void): Promise<number> {
    const rows = await this.store.repos.log.cosignatures();
    const notes = new Map(checkpoints.map((c) => [Number(c.size), c.note]));
    for (const row of rows) {
      const id = `${row.checkpoint_size}/${row.witness_key}`;
      const note = notes.get(Number(row.checkpoint_size));
      if (!note) {
        blame('log_cosignatures', id, 'checkpoint_size', 'no such checkpoint');
        continue;
      }
      try {
        const [sig] = parseSignatureLines(row.line);
        const opened = openCheckpoint(formatNote(parseNote(note).text, [sig!]), this.identity.origin, [cosignatureVerifier(row.witness_key)]);
        if (opened.note.verified.length !== 1) throw new Error('not verified');
        if (decodeTimestampedSignature(sig!.signature).timestamp !== Number(row.timestamp)) blame('log_cosignatures', id, 'timestamp', 'differs from the time in the cosignature');
      } catch (e) {
        blame('log_cosignatures', id, 'line', `cosignature does not verify: ${(e as Error).message}`);
      }
    }
    return rows.length;
  }

  private async checkTimestamps(checkpoints: LogCheckpointRow[], blame: (t: string, r: string | number, f: string, p: string) => void): Promise<number> {
    const rows = await this.store.repos.log.timestamps();
    const notes = new Map(checkpoints.map((c) => [Number(c.size), c.note]));
    for (const row of rows) {
      const id = `${row.checkpoint_size}/${row.tsa_url}`;
      const note = notes.get(Number(row.checkpoint_size));
      const why = !note ? { field: 'checkpoint_size', problem: 'no such checkpoint' } : (this.checkTimestamp?.(row.token, note, row.gen_time) ?? null);
      if (why) blame('log_timestamps', id, why.field, why.problem);
    }
    return rows.length;
  }
}
