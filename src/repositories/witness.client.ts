/** Outbound HTTP to tlog-witnesses (c2sp.org/tlog-witness add-checkpoint). */
export interface WitnessReply {
  status: number;
  contentType: string;
  body: string;
}

export class WitnessClient {
  constructor(private readonly timeoutMs: number) {}

  async addCheckpoint(submissionPrefix: string, body: string): Promise<WitnessReply> {
    const r = await fetch(`${submissionPrefix}/add-checkpoint`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    return { status: r.status, contentType: r.headers.get('content-type') ?? '', body: await r.text() };
  }
}
