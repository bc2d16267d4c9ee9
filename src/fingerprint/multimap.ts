/**
 * A compact multimap from 32-bit keys to 32-bit references: a sorted run (two typed
 * arrays, binary search) plus a small unsorted tail that is merged in when it grows.
 * About 8 bytes per entry, which is what lets the near-duplicate indexes hold millions of
 * entries in a few hundred megabytes where a JavaScript Map would need gigabytes.
 */
export class U32MultiMap {
  private keys = new Uint32Array(0);
  private refs = new Uint32Array(0);
  private tailKeys: number[] = [];
  private tailRefs: number[] = [];

  get size(): number {
    return this.keys.length + this.tailKeys.length;
  }

  add(key: number, ref: number): void {
    this.tailKeys.push(key >>> 0);
    this.tailRefs.push(ref >>> 0);
    if (this.tailKeys.length > Math.max(4096, this.keys.length >>> 3)) this.compact();
  }

  /** Merges the tail into the sorted run (called automatically; call once after a bulk load). */
  compact(): void {
    if (this.tailKeys.length === 0) return;
    const n = this.keys.length + this.tailKeys.length;
    const packed = new BigUint64Array(n);
    let i = 0;
    for (let j = 0; j < this.keys.length; j++) packed[i++] = (BigInt(this.keys[j]!) << 32n) | BigInt(this.refs[j]!);
    for (let j = 0; j < this.tailKeys.length; j++) packed[i++] = (BigInt(this.tailKeys[j]!) << 32n) | BigInt(this.tailRefs[j]!);
    packed.sort();
    const keys = new Uint32Array(n);
    const refs = new Uint32Array(n);
    for (let j = 0; j < n; j++) {
      const v = packed[j]!;
      keys[j] = Number(v >> 32n);
      refs[j] = Number(v & 0xffffffffn);
    }
    this.keys = keys;
    this.refs = refs;
    this.tailKeys = [];
    this.tailRefs = [];
  }

  /** Calls `fn` with every reference stored under `key`. */
  forEach(key: number, fn: (ref: number) => void): void {
    key >>>= 0;
    const keys = this.keys;
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < keys.length && keys[i] === key; i++) fn(this.refs[i]!);
    const tk = this.tailKeys;
    for (let i = 0; i < tk.length; i++) if (tk[i] === key) fn(this.tailRefs[i]!);
  }

  /** Approximate bytes held. */
  memoryBytes(): number {
    return this.keys.byteLength + this.refs.byteLength + this.tailKeys.length * 16;
  }
}
