// Types mirror docs/api.md (HTTP API v1).

export type Role = 'creator' | 'reviewer' | 'admin' | 'judicial';

export interface User {
  id: string;
  username: string;
  displayName: string;
  realName: string | null;
  campusId: string | null;
  unit: string | null;
  email: string | null;
  role: Role;
  locale: string | null;
  mustChangePassword: boolean;
  createdAt: string;
  /** Sent by the backend (not listed in docs/api.md's User type). */
  disabled?: boolean;
}

export interface Session {
  user: User | null;
  csrfToken: string;
  setupRequired: boolean;
  signupAllowed: boolean;
  institution: string;
}

export interface AuthAnswer {
  user: User;
  csrfToken: string;
}

export interface Category {
  key: string;
  code: string;
  zh: string;
  en: string;
}

export interface Meta {
  institution: string;
  numberPrefix: string;
  categories: Category[];
  limits: { maxFileBytes: number; maxFilesPerWork: number; allowedExtensions: string[] };
  version: string;
}

export type WorkStatus = 'draft' | 'submitted' | 'in_review' | 'changes_requested' | 'rejected' | 'approved' | 'withdrawn' | 'corrected' | 'revoked';
export const WORK_STATUSES: WorkStatus[] = ['draft', 'submitted', 'in_review', 'changes_requested', 'rejected', 'approved', 'withdrawn', 'corrected', 'revoked'];

export type WorkAction = 'edit' | 'submit' | 'withdraw' | 'delete' | 'claim' | 'approve' | 'reject' | 'request_changes';

export interface Author {
  name: string;
}

export interface CopyrightOwner {
  name: string;
  kind: 'person' | 'institution';
  share: number;
}

export type Publication = { status: 'unpublished' } | { status: 'published'; date: string; place: string };

export interface AiDisclosure {
  used: boolean;
  tools: string;
  prompts: string;
  humanContribution: string;
  claimedParts: string;
  excludedParts: string;
}

export type FileKind = 'image' | 'audio' | 'video' | 'pdf' | 'text' | 'document' | 'archive';

export interface WorkFile {
  id: string;
  filename: string;
  mediaType: string;
  size: number;
  sha256: string;
  kind: FileKind;
}

export interface UserRef {
  id: string;
  displayName: string;
}

export interface WorkEvent {
  id: string;
  action: string;
  fromStatus: WorkStatus | null;
  toStatus: WorkStatus | null;
  actor: UserRef | null;
  reason: string | null;
  createdAt: string;
}

/** The editable fields (the `metadata` part of POST/PATCH /api/works). */
export interface WorkMetadata {
  title: string;
  category: string;
  description: string;
  authors: Author[];
  owners: CopyrightOwner[];
  completedOn: string;
  publication: Publication;
  aiDisclosure: AiDisclosure;
}

export interface Work extends WorkMetadata {
  id: string;
  status: WorkStatus;
  owner: UserRef;
  reviewer: UserRef | null;
  submittedAt: string | null;
  reviewedAt: string | null;
  reviewReason: string | null;
  registrationNumber: string | null;
  registeredAt: string | null;
  createdAt: string;
  updatedAt: string;
  files: WorkFile[];
  events?: WorkEvent[];
  allowedActions?: WorkAction[];
  /** Position in the registry log and the checkpoint that covers it (single-work views). */
  log?: LogPosition | null;
}

export interface LogPosition {
  index: number;
  kind: string;
  leafHash: string;
  sequencedAt: string;
  origin: string;
  checkpointSize: number | null;
  rootHash: string | null;
  publishedAt: string | null;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface ReviewRow {
  id: string;
  title: string;
  category: string;
  authors: string;
  owner: UserRef;
  submittedAt: string | null;
  reviewer: UserRef | null;
  status: WorkStatus;
  reviewedAt: string | null;
  reviewReason: string | null;
  registrationNumber: string | null;
}

export interface Notification {
  id: string;
  kind: string;
  workId: string | null;
  workTitle: string | null;
  status: WorkStatus | null;
  /** docs/api.md lists `message`; the backend sends `reason` and `registrationNumber` instead. */
  message?: string;
  reason?: string | null;
  registrationNumber?: string | null;
  readAt: string | null;
  createdAt: string;
}

export interface NotificationList {
  items: Notification[];
  unreadCount: number;
  total: number;
}

export interface ImportRow {
  row: number;
  title: string;
  status: 'created' | 'error';
  workId?: string;
  /** docs/api.md leaves the shape open; the backend sends `{code, message, details}`. */
  error?: string | ImportRowError;
}

export interface ImportRowError {
  code: string;
  message?: string;
  details?: Record<string, unknown>;
}

export interface ImportBatch {
  id: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  total: number;
  processed: number;
  created: number;
  failed: number;
  rows: ImportRow[];
  submit?: boolean;
  error?: string | ImportRowError | null;
  createdAt: string;
  finishedAt: string | null;
}

export interface ApiErrorBody {
  error: { code: string; message?: string; details?: Record<string, unknown> };
}
