import type { FastifyInstance } from 'fastify';
import { randomBytes } from 'node:crypto';

export interface Part {
  name: string;
  value?: string;
  filename?: string;
  data?: Buffer;
  contentType?: string;
}

export function multipart(parts: Part[]): { body: Buffer; headers: Record<string, string> } {
  const boundary = `----cws${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disp = p.filename !== undefined ? `form-data; name="${p.name}"; filename="${p.filename}"` : `form-data; name="${p.name}"`;
    const head = `--${boundary}\r\nContent-Disposition: ${disp}\r\n${p.filename !== undefined ? `Content-Type: ${p.contentType ?? 'application/octet-stream'}\r\n` : ''}\r\n`;
    chunks.push(Buffer.from(head, 'utf8'), p.data ?? Buffer.from(p.value ?? '', 'utf8'), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** A signed-in client over app.inject: keeps the session cookie and sends the CSRF header. */
export class Client {
  cookie = '';
  csrf = 'anonymous';
  lang = 'zh-CN';
  constructor(readonly app: FastifyInstance) {}

  async req(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown, extra: Record<string, string> = {}) {
    const headers: Record<string, string> = { 'accept-language': this.lang, ...extra };
    if (this.cookie) headers.cookie = this.cookie;
    if (method !== 'GET' && !('x-csrf-token' in extra)) headers['x-csrf-token'] = this.csrf;
    let payload: string | Buffer | undefined;
    if (Buffer.isBuffer(body)) payload = body;
    else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    const res = await this.app.inject({ method, url, headers, ...(payload !== undefined ? { payload } : {}) });
    const set = res.cookies.find((c) => c.name === 'cws_session');
    if (set) this.cookie = set.value ? `cws_session=${set.value}` : '';
    const json = res.headers['content-type']?.toString().includes('json') && res.body ? (JSON.parse(res.body) as Record<string, unknown>) : undefined;
    if (json && typeof json.csrfToken === 'string') this.csrf = json.csrfToken;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary response shapes
    return { status: res.statusCode, json: json as any, body: res.body, headers: res.headers };
  }

  get(url: string) {
    return this.req('GET', url);
  }
  post(url: string, body?: unknown, extra?: Record<string, string>) {
    return this.req('POST', url, body ?? {}, extra);
  }
  upload(method: 'POST' | 'PATCH', url: string, parts: Part[]) {
    const { body, headers } = multipart(parts);
    return this.req(method, url, body, headers);
  }
  async login(username: string, password: string) {
    const r = await this.post('/api/auth/login', { username, password });
    if (r.status !== 200) throw new Error(`login failed ${r.status} ${r.body}`);
    return this;
  }
}
