import { chmod, link, mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Signing keys as files under <dataDir>/keys/: `<name>.skey` (mode 0600, the secret) and
 * `<name>.vkey` (its public key, for operators to hand out). Retired public keys live in
 * `keys/retired/*.vkey` so old checkpoints still verify after a rotation
 * (docs/log-operations.md).
 */
export class KeyStore {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'keys');
  }

  async readSecret(name: string): Promise<string | undefined> {
    try {
      return (await readFile(path.join(this.dir, `${name}.skey`), 'utf8')).trim();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  /**
   * Returns the stored secret key, or stores `make()`'s. Creation is exclusive (link(2)
   * fails if the file exists), so two processes starting at once over one data folder end
   * up with the same key instead of each signing with its own. Only the secret is
   * authoritative: callers derive the public key from it.
   */
  async readOrCreateSecret(name: string, make: () => { signerKey: string; verifierKey: string }): Promise<string> {
    const existing = await this.readSecret(name);
    if (existing) return existing;
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const fresh = make();
    const tmp = path.join(this.dir, `.${name}.${randomBytes(6).toString('hex')}.skey`);
    await writeFile(tmp, `${fresh.signerKey}\n`, { mode: 0o600 });
    await chmod(tmp, 0o600);
    try {
      await link(tmp, path.join(this.dir, `${name}.skey`));
      await writeFile(path.join(this.dir, `${name}.vkey`), `${fresh.verifierKey}\n`, { mode: 0o644 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      await rm(tmp, { force: true });
    }
    const stored = await this.readSecret(name);
    if (!stored) throw new Error(`key ${name} could not be stored in ${this.dir}`);
    return stored;
  }

  /**
   * Rotation, step 1: the current public key joins the retired ones (so checkpoints signed
   * with it keep verifying whatever happens next) and the new secret waits beside the
   * current one as `<name>.next.skey`. A rotation cut short resumes with the same new key.
   */
  async prepareRotation(name: string, stamp: string, currentVkey: string, make: () => { signerKey: string }): Promise<string> {
    const retired = path.join(this.dir, 'retired');
    await mkdir(retired, { recursive: true, mode: 0o700 });
    if (!(await this.retired()).includes(currentVkey)) await writeFile(path.join(retired, `${stamp}.vkey`), `${currentVkey}\n`, { mode: 0o644 });
    const waiting = await this.readSecret(`${name}.next`);
    if (waiting) return waiting;
    const next = make().signerKey;
    const tmp = path.join(this.dir, `.${name}.${randomBytes(6).toString('hex')}.skey`);
    await writeFile(tmp, `${next}\n`, { mode: 0o600 });
    await chmod(tmp, 0o600);
    await rename(tmp, path.join(this.dir, `${name}.next.skey`));
    return next;
  }

  /**
   * Rotation, step 2, once the database names the new key: the old secret moves to
   * `retired/<stamp>.skey` (for the operator to take offline or destroy) and the new one
   * takes its place.
   */
  async completeRotation(name: string, stamp: string, vkey: string): Promise<{ retiredSecret: string | undefined }> {
    const current = path.join(this.dir, `${name}.skey`);
    const next = path.join(this.dir, `${name}.next.skey`);
    let retiredSecret: string | undefined = path.join(this.dir, 'retired', `${stamp}.skey`);
    try {
      await rename(current, retiredSecret);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      retiredSecret = undefined;
    }
    await rename(next, current);
    await writeFile(path.join(this.dir, `${name}.vkey`), `${vkey}\n`, { mode: 0o644 });
    return { retiredSecret };
  }

  /** Public keys retired by a rotation, still trusted for checkpoints signed before it. */
  async retired(): Promise<string[]> {
    const dir = path.join(this.dir, 'retired');
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const keys = await Promise.all(names.filter((n) => n.endsWith('.vkey')).sort().map((n) => readFile(path.join(dir, n), 'utf8')));
    return keys.map((k) => k.trim());
  }
}
