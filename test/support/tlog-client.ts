/**
 * An independent C2SP tlog-tiles client for tests: it knows only the log's URL prefix and
 * uses nothing but HTTP and the pure verification functions of src/ledger, the way an
 * outside auditor (another library, a court) would.
 */
import {
  TILE_WIDTH,
  decodeEntryBundle,
  decodeHashTile,
  ed25519NoteVerifier,
  entryBundlePath,
  inclusionProof,
  consistencyProof,
  leafHash,
  merkleRoot,
  nodeSourceFromTiles,
  openCheckpoint,
  parseCheckpoint,
  parseNote,
  rootAt,
  tilePath,
  tilesForTreeSize,
  verifyConsistency,
  verifyInclusion,
  type Checkpoint,
  type TileRef,
} from '../../src/ledger/index.js';

export class TlogClient {
  private readonly tiles = new Map<string, Uint8Array[]>();
  requests = 0;

  constructor(readonly prefix: string) {}

  private async get(path: string): Promise<Response> {
    this.requests++;
    const r = await fetch(`${this.prefix}/${path}`);
    if (r.status !== 200) throw new Error(`GET ${path}: ${r.status}`);
    return r;
  }

  async key(): Promise<string> {
    return (await (await this.get('key')).text()).trim();
  }

  /** The latest checkpoint, verified with `vkey` (which the client got out of band, or from /log/key). */
  async checkpoint(vkey: string): Promise<{ checkpoint: Checkpoint; note: string; response: Response }> {
    const response = await this.get('checkpoint');
    const note = await response.text();
    const origin = parseCheckpoint(parseNote(note).text).origin;
    return { checkpoint: openCheckpoint(note, origin, [ed25519NoteVerifier(vkey)]).checkpoint, note, response };
  }

  async tile(ref: TileRef): Promise<Uint8Array[]> {
    const key = `${ref.level}/${ref.index}/${ref.width}`;
    const cached = this.tiles.get(key);
    if (cached) return cached;
    const body = new Uint8Array(await (await this.get(tilePath(ref))).arrayBuffer());
    const hashes = decodeHashTile(body, ref.width);
    this.tiles.set(key, hashes);
    return hashes;
  }

  async bundle(index: number, width: number): Promise<Uint8Array[]> {
    const body = new Uint8Array(await (await this.get(entryBundlePath({ index, width }))).arrayBuffer());
    return decodeEntryBundle(body, width);
  }

  /** Width of tile (level, index) in a tree of `size`. */
  static width(level: number, index: number, size: number): number {
    return Math.min(TILE_WIDTH, Math.floor(size / TILE_WIDTH ** level) - index * TILE_WIDTH);
  }

  private async sourceFor(size: number) {
    // Fetch every tile of the tree (they are few next to the entries) and read synchronously.
    const refs = tilesForTreeSize(size);
    const all = await Promise.all(refs.map(async (ref) => [ref, await this.tile(ref)] as const));
    const byKey = new Map(all.map(([ref, hashes]) => [`${ref.level}/${ref.index}`, hashes]));
    return { refs, byKey, source: nodeSourceFromTiles((level, index) => byKey.get(`${level}/${index}`) ?? []) };
  }

  /**
   * Rebuilds the root of a tree of `size` from its tiles, checking on the way that every
   * hash in a tile above level 0 is the root of the full tile below it and that every
   * entry hashes to its level-0 tile hash.
   */
  async rebuildRoot(size: number, checkEntries = true): Promise<Uint8Array> {
    const { refs, byKey, source } = await this.sourceFor(size);
    for (const ref of refs) {
      if (ref.level === 0) continue;
      const hashes = byKey.get(`${ref.level}/${ref.index}`)!;
      hashes.forEach((h, i) => {
        const below = byKey.get(`${ref.level - 1}/${ref.index * TILE_WIDTH + i}`)!;
        if (below.length !== TILE_WIDTH || Buffer.compare(merkleRoot(below), h) !== 0) throw new Error(`tile ${ref.level}/${ref.index}[${i}] is not the root of the tile below`);
      });
    }
    if (checkEntries) {
      for (const ref of refs.filter((r) => r.level === 0)) {
        const entries = await this.bundle(ref.index, ref.width);
        const hashes = byKey.get(`0/${ref.index}`)!;
        entries.forEach((e, i) => {
          if (Buffer.compare(leafHash(e), hashes[i]!) !== 0) throw new Error(`entry ${ref.index * TILE_WIDTH + i} does not hash to its tile`);
        });
      }
    }
    return rootAt(size, source);
  }

  /** Fetches entry `index` and proves it is in the checkpointed tree. */
  async proveEntry(index: number, checkpoint: Checkpoint): Promise<Uint8Array> {
    const bundleIndex = Math.floor(index / TILE_WIDTH);
    const entries = await this.bundle(bundleIndex, TlogClient.width(0, bundleIndex, checkpoint.size));
    const entry = entries[index % TILE_WIDTH]!;
    const { source } = await this.sourceFor(checkpoint.size);
    verifyInclusion(index, checkpoint.size, leafHash(entry), inclusionProof(index, checkpoint.size, source), checkpoint.rootHash);
    return entry;
  }

  /** Proves the newer checkpoint extends the older one, from the newer tree's tiles. */
  async proveConsistency(older: Checkpoint, newer: Checkpoint): Promise<void> {
    if (older.size === 0) return;
    const { source } = await this.sourceFor(newer.size);
    verifyConsistency(older.size, newer.size, consistencyProof(older.size, newer.size, source), older.rootHash, newer.rootHash);
  }
}
