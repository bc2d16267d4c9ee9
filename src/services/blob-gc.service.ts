import type { BlobStore } from '../repositories/blob.store.js';
import type { Store } from '../repositories/store.js';

/**
 * Removes blob files that no database row knows: uploads cut by a crash between the file's
 * rename and the commit. The grace period protects uploads still in flight.
 */
export class BlobGcService {
  constructor(
    private readonly store: Store,
    private readonly blobs: BlobStore,
  ) {}

  async sweep(graceMs = 3_600_000): Promise<{ removed: string[] }> {
    const cutoff = Date.now() - graceMs;
    const removed: string[] = [];
    for await (const b of this.blobs.list()) {
      if (b.mtimeMs > cutoff) continue;
      if (await this.store.repos.works.blobKnown(b.sha256)) continue;
      await this.blobs.remove(b.sha256);
      removed.push(b.sha256);
    }
    return { removed };
  }
}
