/**
 * The audit's bulk read of the registry log: for a run of entries, the entries themselves,
 * their level-0 tiles and the rows each approval leaf was built from. The audit reads every
 * row of a million-entry log, so on SQLite this is its own read-only connection with two
 * raw (array-per-row) statements, one join for entries, works and approving events and one
 * for the files, instead of four object-per-row queries; the rows are shaped once, straight
 * into what the leaf check takes. PostgreSQL keeps the Kysely queries (its round trips, not
 * row shaping, are what cost there).
 */
import Database from 'better-sqlite3';
import { TILE_WIDTH } from '../ledger/index.js';
import type { ApprovalEvent, ApprovalFile, ApprovalWork } from '../log/approval-leaf.js';
import type { LogEntryRow, LogRepository, TileRow } from './log.repository.js';

/** A log_entries row as the audit reads it (the stored leaf hash is recomputed, never trusted). */
export type AuditEntryRow = Omit<LogEntryRow, 'leaf_hash'>;

/** The rows behind one approval entry, found through the entry's own work_id and event_id. */
export interface AuditSource {
  work: ApprovalWork | undefined;
  event: ApprovalEvent | undefined;
  /** In position order. */
  files: ApprovalFile[];
}

export interface AuditChunk {
  /** Entries in [start, end) that exist, in index order. */
  rows: AuditEntryRow[];
  tiles: TileRow[];
  /**
   * Keyed by event id, for entries with a work id; only when the run is contiguous (a gap
   * sends every entry to the field-by-field diagnosis anyway).
   */
  sources: Map<string, AuditSource> | undefined;
}

export interface AuditReader {
  /** Entries per chunk the audit asks for: a whole number of level-0 tiles. */
  readonly chunkSize: number;
  chunk(start: number, end: number, tileFrom: number, tileTo: number): Promise<AuditChunk>;
  close(): void;
}

/** Reads through the repository (PostgreSQL, or a SQLite database another connection cannot open). */
export class RepositoryAuditReader implements AuditReader {
  // Large chunks: each is a few round trips, and the next is read while this one is checked.
  readonly chunkSize = TILE_WIDTH * 16;

  constructor(private readonly repo: LogRepository) {}

  async chunk(start: number, end: number, tileFrom: number, tileTo: number): Promise<AuditChunk> {
    const [rows, tiles] = await Promise.all([this.repo.entryRows(start, end), this.repo.tilesOfLevel(0, tileFrom, tileTo)]);
    if (rows.length !== end - start || rows.length === 0) return { rows, tiles, sources: undefined };
    const found = await this.repo.sourceRowsInRange(rows);
    const sources = new Map<string, AuditSource>();
    for (const [eventId, s] of found) {
      sources.set(eventId, { work: s.work, event: s.event, files: s.files.map((f) => (typeof f.size === 'number' ? f : { ...f, size: Number(f.size) })) });
    }
    return { rows, tiles, sources };
  }

  close(): void {}
}

const WORK_COLUMNS = [
  'id', 'created_at', 'title', 'category', 'description', 'authors', 'authors_text', 'owners', 'completed_on', 'publication', 'ai_disclosure',
  'status', 'owner_id', 'reviewer_id', 'submitted_at', 'reviewed_at', 'review_reason', 'registration_number', 'registered_at',
] as const;
const EVENT_COLUMNS = ['id', 'work_id', 'action', 'from_status', 'to_status', 'actor_id', 'reason', 'data', 'created_at'] as const;
const FILE_COLUMNS = ['id', 'work_id', 'sha256', 'size', 'media_type', 'kind', 'filename', 'position'] as const;

// Column positions in the joined row: the entry's 7, then the work's, then the event's.
const W = 7;
const V = W + WORK_COLUMNS.length;

type Raw = unknown[];
const s = (v: unknown) => v as string;
const sn = (v: unknown) => v as string | null;

/** One read-only SQLite connection of its own; statements prepared once. */
export class SqliteAuditReader implements AuditReader {
  // One tile per chunk. A chunk's rows (some 40 strings and two Buffers per entry) stay alive
  // until it is checked, and whatever is alive when the young generation fills is copied:
  // with 4,096 entries a chunk, that copying was a fifth of a worker's time (range checks
  // of 200,000 entries, one thread: CPU 6.4 → 4.8 s). Statement calls cost little here.
  readonly chunkSize = TILE_WIDTH;
  private readonly sqlite: Database.Database;
  private readonly joined: Database.Statement;
  private readonly files: Database.Statement;
  private readonly tiles: Database.Statement;

  constructor(file: string) {
    // Read-only: an audit must not be able to change what it checks, and it takes no write lock.
    this.sqlite = new Database(file, { readonly: true, fileMustExist: true });
    this.sqlite.pragma('busy_timeout = 10000');
    // The id indexes of works and work_events are probed once per entry: keep their upper
    // pages cached (64 MB; the default 2 MB is re-read from the OS for every chunk).
    this.sqlite.pragma('cache_size = -65536');
    this.joined = this.sqlite
      .prepare(
        `select e.idx, e.kind, e.work_id, e.event_id, e.entry, e.salt, e.created_at, ${WORK_COLUMNS.map((c) => `w.${c}`).join(', ')}, ${EVENT_COLUMNS.map((c) => `v.${c}`).join(', ')}
         from log_entries e left join works w on w.id = e.work_id left join work_events v on v.id = e.event_id
         where e.idx >= ? and e.idx < ? order by e.idx`,
      )
      .raw(true);
    this.files = this.sqlite
      .prepare(
        `select e.idx, ${FILE_COLUMNS.map((c) => `f.${c}`).join(', ')}
         from log_entries e join work_files f on f.work_id = e.work_id
         where e.idx >= ? and e.idx < ? and e.kind = 'approval' order by e.idx, f.position, f.id`,
      )
      .raw(true);
    this.tiles = this.sqlite.prepare('select level, idx, width, hashes from log_tiles where level = 0 and idx >= ? and idx < ? order by idx');
  }

  chunk(start: number, end: number, tileFrom: number, tileTo: number): Promise<AuditChunk> {
    const raw = this.joined.all(start, end) as Raw[];
    const tiles = this.tiles.all(tileFrom, tileTo) as TileRow[];
    const rows: AuditEntryRow[] = new Array<AuditEntryRow>(raw.length);
    for (let i = 0; i < raw.length; i++) {
      const r = raw[i]!;
      rows[i] = { idx: r[0] as number, kind: s(r[1]), work_id: sn(r[2]), event_id: s(r[3]), entry: r[4] as Buffer, salt: r[5] as Buffer | null, created_at: s(r[6]) };
    }
    if (raw.length !== end - start || raw.length === 0) return Promise.resolve({ rows, tiles, sources: undefined });
    // Files come ordered by entry index, so each entry's run follows the one before.
    const files = this.files.all(start, end) as Raw[];
    const sources = new Map<string, AuditSource>();
    let f = 0;
    for (let i = 0; i < raw.length; i++) {
      const r = raw[i]!;
      const row = rows[i]!;
      const list: ApprovalFile[] = [];
      while (f < files.length && (files[f]![0] as number) < row.idx) f++;
      for (; f < files.length && files[f]![0] === row.idx; f++) list.push(fileOf(files[f]!));
      if (row.work_id === null) continue;
      sources.set(row.event_id, { work: r[W] === null ? undefined : workOf(r), event: r[V] === null ? undefined : eventOf(r), files: list });
    }
    return Promise.resolve({ rows, tiles, sources });
  }

  close(): void {
    this.sqlite.close();
  }
}

function workOf(r: Raw): ApprovalWork {
  return {
    id: s(r[W]),
    created_at: s(r[W + 1]),
    title: s(r[W + 2]),
    category: s(r[W + 3]),
    description: s(r[W + 4]),
    authors: s(r[W + 5]),
    authors_text: s(r[W + 6]),
    owners: s(r[W + 7]),
    completed_on: s(r[W + 8]),
    publication: s(r[W + 9]),
    ai_disclosure: s(r[W + 10]),
    status: s(r[W + 11]),
    owner_id: s(r[W + 12]),
    reviewer_id: sn(r[W + 13]),
    submitted_at: sn(r[W + 14]),
    reviewed_at: sn(r[W + 15]),
    review_reason: sn(r[W + 16]),
    registration_number: sn(r[W + 17]),
    registered_at: sn(r[W + 18]),
  };
}

function eventOf(r: Raw): ApprovalEvent {
  return {
    id: s(r[V]),
    work_id: s(r[V + 1]),
    action: s(r[V + 2]),
    from_status: sn(r[V + 3]),
    to_status: s(r[V + 4]),
    actor_id: sn(r[V + 5]),
    reason: sn(r[V + 6]),
    data: s(r[V + 7]),
    created_at: s(r[V + 8]),
  };
}

function fileOf(r: Raw): ApprovalFile {
  return { id: s(r[1]), work_id: s(r[2]), sha256: s(r[3]), size: Number(r[4]), media_type: s(r[5]), kind: s(r[6]), filename: s(r[7]), position: r[8] as number };
}
