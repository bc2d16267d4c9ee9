import { readFile } from 'node:fs/promises';

/** Outbound HTTP to an RFC 3161 time-stamping authority (RFC 3161 §3.4, HTTP transport). */
export class TsaClient {
  constructor(
    readonly url: string,
    private readonly timeoutMs: number,
  ) {}

  async request(query: Uint8Array): Promise<Uint8Array> {
    const r = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' },
      body: Buffer.from(query),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (r.status !== 200) throw new Error(`TSA answered HTTP ${r.status}`);
    return new Uint8Array(await r.arrayBuffer());
  }

  /** The operator's PEM file of trusted TSA certificates. */
  static readAnchors(file: string): Promise<string> {
    return readFile(file, 'utf8');
  }
}
