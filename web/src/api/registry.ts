import { api } from './client';

/** A correction or revocation of a registration, with its registry-log position. */
export interface RegistryEvent {
  id: string;
  kind: 'correction' | 'revocation';
  createdAt: string;
  reason: string;
  corrected: Record<string, unknown>;
  log: { index: number; leafHash: string | null } | null;
}

export interface CorrectionBody {
  reason: string;
  title?: string;
  description?: string;
  authors?: { name: string }[];
  completedOn?: string;
}

export interface JudicialKey {
  id: string;
  name: string;
  scopes: string[];
  userId: string;
  username: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface JudicialAccess {
  id: string;
  scope: string;
  at: string;
  keyName: string;
  holder: string;
}

const id = encodeURIComponent;
export const registryEvents = (workId: string) => api<RegistryEvent[]>(`/api/works/${id(workId)}/registry-events`);
export const correctWork = (workId: string, body: CorrectionBody) => api<{ status: string; event: RegistryEvent }>(`/api/admin/works/${id(workId)}/corrections`, { method: 'POST', body });
export const revokeWork = (workId: string, reason: string) => api<{ status: string; event: RegistryEvent }>(`/api/admin/works/${id(workId)}/revocation`, { method: 'POST', body: { reason } });
export const judicialAccess = (workId: string) => api<JudicialAccess[]>(`/api/works/${id(workId)}/judicial-access`);
export const listApiKeys = () => api<JudicialKey[]>('/api/admin/api-keys');
export const createApiKey = (body: { userId: string; name: string; scopes: string[]; expiresAt: string }) =>
  api<{ id: string; token: string; expiresAt: string; scopes: string[] }>('/api/admin/api-keys', { method: 'POST', body });
export const revokeApiKey = (keyId: string) => api<void>(`/api/admin/api-keys/${id(keyId)}`, { method: 'DELETE' });
