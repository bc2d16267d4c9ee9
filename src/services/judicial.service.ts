import { createHash, randomBytes } from 'node:crypto';
import type { EvidencePackage } from '../documents/evidence.js';
import { AppError } from '../domain/errors.js';
import { newId, nowIso } from '../domain/ids.js';
import type { Actor } from '../domain/review.js';
import type { ApiKeyRow } from '../repositories/judicial.repository.js';
import type { Store } from '../repositories/store.js';
import type { EvidenceService } from './evidence.service.js';

export const JUDICIAL_SCOPES = ['lookup:number', 'lookup:sha256', 'lookup:owner'] as const;
export type JudicialScope = (typeof JUDICIAL_SCOPES)[number];

const TOKEN_PREFIX = 'cwsj_';
const MAX_LIFETIME_DAYS = 366;
const secretHash = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

export interface NewKey {
  userId: string;
  name: string;
  scopes: string[];
  /** ISO 8601; at most a year ahead. */
  expiresAt: string;
}

/**
 * Courts and copyright offices (行政司法协同): admins give a `judicial` account scoped,
 * expiring API keys; a key looks registrations up by number, content hash or owner and
 * gets each with its evidence package. Every use is recorded per work and shown to the
 * work's owner, and in the platform audit log.
 */
export class JudicialService {
  constructor(
    private readonly store: Store,
    private readonly evidence: EvidenceService,
  ) {}

  async createKey(admin: Actor, input: NewKey): Promise<{ id: string; token: string; expiresAt: string; scopes: string[] }> {
    if (admin.role !== 'admin') throw new AppError('FORBIDDEN', 'only administrators create API keys');
    const scopes = [...new Set(input.scopes)];
    if (scopes.length === 0 || scopes.some((s) => !(JUDICIAL_SCOPES as readonly string[]).includes(s))) throw new AppError('VALIDATION', `scopes must be some of ${JUDICIAL_SCOPES.join(', ')}`, { field: 'scopes', rule: 'enum' });
    const name = input.name.trim();
    if (!name || name.length > 200) throw new AppError('VALIDATION', 'a key needs a name (at most 200 characters)', { field: 'name', rule: 'length' });
    const expires = Date.parse(input.expiresAt);
    if (!Number.isFinite(expires) || expires <= Date.now() || expires > Date.now() + MAX_LIFETIME_DAYS * 86_400_000) throw new AppError('VALIDATION', `expiresAt must be a time in the next ${MAX_LIFETIME_DAYS} days`, { field: 'expiresAt', rule: 'range' });
    const user = await this.store.repos.users.byId(input.userId);
    if (!user) throw new AppError('NOT_FOUND', 'no such user', { field: 'userId' });
    if (user.role !== 'judicial') throw new AppError('VALIDATION', 'API keys are for accounts with the judicial role', { field: 'userId', rule: 'role' });
    const id = newId();
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const now = nowIso();
    const expiresAt = new Date(expires).toISOString();
    await this.store.tx(async (r) => {
      await r.judicial.insertKey({ id, user_id: user.id, name, scopes: JSON.stringify(scopes), secret_hash: secretHash(token), created_by: admin.id, created_at: now, expires_at: expiresAt, revoked_at: null, last_used_at: null });
      await r.audit.record(admin.id, 'api_key.create', id, { userId: user.id, scopes, expiresAt });
    });
    return { id, token, expiresAt, scopes };
  }

  async listKeys(admin: Actor) {
    if (admin.role !== 'admin') throw new AppError('FORBIDDEN', 'only administrators see API keys');
    return (await this.store.repos.judicial.keys()).map((k) => ({ id: k.id, name: k.name, scopes: JSON.parse(k.scopes) as string[], userId: k.user_id, username: k.username, createdAt: k.created_at, expiresAt: k.expires_at, revokedAt: k.revoked_at, lastUsedAt: k.last_used_at }));
  }

  async revokeKey(admin: Actor, id: string): Promise<void> {
    if (admin.role !== 'admin') throw new AppError('FORBIDDEN', 'only administrators revoke API keys');
    await this.store.tx(async (r) => {
      if (!(await r.judicial.keyById(id))) throw new AppError('NOT_FOUND', 'no such API key');
      await r.judicial.revoke(id, nowIso());
      await r.audit.record(admin.id, 'api_key.revoke', id);
    });
  }

  /** The key behind an `Authorization: Bearer` token; 401 for unknown, expired or revoked keys. */
  async authenticate(header: string | undefined): Promise<ApiKeyRow> {
    const token = /^Bearer (\S+)$/.exec(header ?? '')?.[1];
    if (!token?.startsWith(TOKEN_PREFIX)) throw new AppError('UNAUTHENTICATED', 'send an API key as "Authorization: Bearer cwsj_…"', { reason: 'missing' });
    const key = await this.store.repos.judicial.keyBySecretHash(secretHash(token));
    if (!key) throw new AppError('UNAUTHENTICATED', 'unknown API key', { reason: 'unknown' });
    if (key.revoked_at) throw new AppError('UNAUTHENTICATED', 'this API key was revoked', { reason: 'revoked' });
    if (Date.parse(key.expires_at) <= Date.now()) throw new AppError('UNAUTHENTICATED', `this API key expired at ${key.expires_at}`, { reason: 'expired' });
    const holder = await this.store.repos.users.byId(key.user_id);
    if (holder?.role !== 'judicial' || holder.disabled === 1) throw new AppError('UNAUTHENTICATED', 'the account of this API key is no longer a judicial account', { reason: 'holder' });
    return key;
  }

  /** One-step retrieval: the registrations matching the query, each with its evidence package. */
  async lookup(key: ApiKeyRow, scope: JudicialScope, query: string, ip: string) {
    const scopes = JSON.parse(key.scopes) as string[];
    if (!scopes.includes(scope)) {
      await this.store.repos.audit.record(key.user_id, 'api_key.refused', key.id, { scope, query: query.slice(0, 200) });
      throw new AppError('FORBIDDEN', `this API key is not allowed ${scope}`, { scope, scopes });
    }
    const q = query.trim();
    if (!q || q.length > 200) throw new AppError('VALIDATION', 'the query is empty or too long', { field: scope, rule: 'length' });
    const numbers = await this.numbersFor(scope, q);
    const results: { registrationNumber: string; workId: string; status: string; record: unknown; evidence: EvidencePackage | null; pending: string | null }[] = [];
    for (const n of numbers) {
      const view = await this.evidence.publicRecord(n.number);
      results.push({ registrationNumber: n.number, workId: n.workId, status: view.status, record: view.record, evidence: view.evidence, pending: view.pending });
    }
    const now = nowIso();
    await this.store.tx(async (r) => {
      const rows = (results.length > 0 ? results.map((x) => x.workId) : [null]).map((workId) => ({ id: newId(), key_id: key.id, work_id: workId, scope, query: q, ip, created_at: now }));
      await r.judicial.recordUses(key.id, rows, now);
      await r.audit.record(key.user_id, 'api_key.lookup', key.id, { scope, query: q, found: results.map((x) => x.registrationNumber) });
    });
    return { scope, query: q, results };
  }

  private async numbersFor(scope: JudicialScope, q: string): Promise<{ number: string; workId: string }[]> {
    const r = this.store.repos;
    if (scope === 'lookup:number') {
      const w = await r.evidence.workByNumber(q);
      return w?.registration_number ? [{ number: w.registration_number, workId: w.id }] : [];
    }
    if (scope === 'lookup:sha256') {
      const found = await this.evidence.bySha256(q);
      const works = await Promise.all(found.matches.map((m) => r.evidence.workByNumber(m.registrationNumber)));
      return works.flatMap((w) => (w?.registration_number ? [{ number: w.registration_number, workId: w.id }] : []));
    }
    return (await r.judicial.registeredByOwner(q)).map((w) => ({ number: w.registration_number!, workId: w.id }));
  }

  /** Judicial lookups of a work, for its owner (and admins). */
  async accessLog(actor: Actor, workId: string) {
    const w = await this.store.repos.works.byId(workId);
    if (!w || (w.owner_id !== actor.id && actor.role !== 'admin')) throw new AppError('NOT_FOUND', 'work not found');
    return (await this.store.repos.judicial.usesOfWork(workId)).map((u) => ({ id: u.id, scope: u.scope, at: u.created_at, keyName: u.key_name, holder: u.holder }));
  }
}
