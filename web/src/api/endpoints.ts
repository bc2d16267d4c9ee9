import { api, upload, setCsrfToken } from './client';
import type {
  AuthAnswer,
  ImportBatch,
  Meta,
  NotificationList,
  Page,
  ReviewRow,
  Role,
  Session,
  User,
  Work,
  WorkMetadata,
  WorkStatus,
} from './types';

// ---- session and accounts ----
export async function getSession(): Promise<Session> {
  const s = await api<Session>('/api/session');
  setCsrfToken(s.csrfToken);
  return s;
}

async function auth(path: string, body: unknown): Promise<AuthAnswer> {
  const a = await api<AuthAnswer>(path, { method: 'POST', body });
  setCsrfToken(a.csrfToken);
  return a;
}

export const login = (body: { username: string; password: string }) => auth('/api/auth/login', body);
export const signup = (body: {
  username: string;
  password: string;
  displayName: string;
  realName?: string;
  campusId?: string;
  unit?: string;
  email?: string;
}) => auth('/api/auth/signup', body);
export const setup = (body: { token: string; username: string; password: string; displayName: string }) => auth('/api/setup', body);
export const logout = () => api<void>('/api/auth/logout', { method: 'POST' });
export const changePassword = (body: { currentPassword: string; newPassword: string }) =>
  api<void>('/api/auth/password', { method: 'POST', body });

export type ProfilePatch = Partial<Pick<User, 'displayName' | 'realName' | 'campusId' | 'unit' | 'email' | 'locale'>>;
export const getProfile = () => api<User>('/api/profile');
export const updateProfile = (body: ProfilePatch) => api<User>('/api/profile', { method: 'PATCH', body });

// ---- meta ----
export const getMeta = () => api<Meta>('/api/meta');

// ---- works ----
export const listMyWorks = (q: { status?: WorkStatus; page?: number; pageSize?: number }) =>
  api<Page<Work>>('/api/works', { query: q });
export const getWork = (id: string) => api<Work>(`/api/works/${encodeURIComponent(id)}`);

export interface SaveWorkInput {
  metadata: Partial<WorkMetadata> & { removeFileIds?: string[] };
  files: File[];
  submit?: boolean;
  onProgress?: (percent: number) => void;
}

function workForm(input: SaveWorkInput, withSubmitField: boolean): FormData {
  const form = new FormData();
  // Order matters: the server reads `metadata` before the file parts.
  form.append('metadata', JSON.stringify(input.metadata));
  if (withSubmitField && input.submit) form.append('submit', 'true');
  for (const f of input.files) form.append('files', f, f.name);
  return form;
}

export const createWork = (input: SaveWorkInput) =>
  upload<Work>('/api/works', workForm(input, true), { method: 'POST', onProgress: input.onProgress });

export async function updateWork(id: string, input: SaveWorkInput): Promise<Work> {
  const work = await upload<Work>(`/api/works/${encodeURIComponent(id)}`, workForm(input, false), {
    method: 'PATCH',
    onProgress: input.onProgress,
  });
  if (input.submit) return submitWork(id);
  return work;
}

export const submitWork = (id: string) => api<Work>(`/api/works/${encodeURIComponent(id)}/submit`, { method: 'POST' });
export const withdrawWork = (id: string) => api<Work>(`/api/works/${encodeURIComponent(id)}/withdraw`, { method: 'POST' });
export const deleteWork = (id: string) => api<void>(`/api/works/${encodeURIComponent(id)}`, { method: 'DELETE' });

// ---- review ----
export interface ReviewQuery {
  status?: string;
  category?: string;
  q?: string;
  reviewer?: 'me';
  sort?: 'submittedAt' | 'reviewedAt' | 'title' | 'registrationNumber';
  order?: 'asc' | 'desc';
  page?: number;
  pageSize?: number;
}
export const listReviewWorks = (q: ReviewQuery) => api<Page<ReviewRow>>('/api/review/works', { query: { ...q } });
export const claimWork = (id: string) => api<Work>(`/api/review/works/${encodeURIComponent(id)}/claim`, { method: 'POST' });
export const approveWork = (id: string) => api<Work>(`/api/review/works/${encodeURIComponent(id)}/approve`, { method: 'POST' });
export const rejectWork = (id: string, reason: string) =>
  api<Work>(`/api/review/works/${encodeURIComponent(id)}/reject`, { method: 'POST', body: { reason } });
export const requestChanges = (id: string, reason: string) =>
  api<Work>(`/api/review/works/${encodeURIComponent(id)}/request-changes`, { method: 'POST', body: { reason } });

// ---- notifications ----
export const listNotifications = (q: { unread?: boolean; page?: number; pageSize?: number } = {}) =>
  api<NotificationList>('/api/notifications', { query: { unread: q.unread ? 1 : undefined, page: q.page, pageSize: q.pageSize } });
export const markNotificationRead = (id: string) =>
  api<void>(`/api/notifications/${encodeURIComponent(id)}/read`, { method: 'POST' });
export const markAllNotificationsRead = () => api<void>('/api/notifications/read-all', { method: 'POST' });

// ---- batch import ----
export function startImport(input: { csv: File; archive?: File | null; submit: boolean; onProgress?: (p: number) => void }) {
  const form = new FormData();
  form.append('submit', input.submit ? 'true' : 'false');
  form.append('csv', input.csv, input.csv.name);
  if (input.archive) form.append('archive', input.archive, input.archive.name);
  return upload<ImportBatch>('/api/imports', form, { method: 'POST', onProgress: input.onProgress });
}
export const listImports = () => api<{ items: ImportBatch[] }>('/api/imports');
export const getImport = (id: string) => api<ImportBatch>(`/api/imports/${encodeURIComponent(id)}`);

// ---- admin ----
export const listUsers = (q: { q?: string; page?: number; pageSize?: number }) =>
  api<{ items: User[]; total: number }>('/api/admin/users', { query: q });
export const createUser = (body: { username: string; displayName: string; role: Role; password: string }) =>
  api<User>('/api/admin/users', { method: 'POST', body });
export const updateUser = (id: string, body: { role?: Role; disabled?: boolean }) =>
  api<User>(`/api/admin/users/${encodeURIComponent(id)}`, { method: 'PATCH', body });
export const resetUserPassword = (id: string) =>
  api<{ temporaryPassword: string }>(`/api/admin/users/${encodeURIComponent(id)}/reset-password`, { method: 'POST' });
