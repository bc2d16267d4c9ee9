import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '../domain/errors.js';
import { newId, nowIso } from '../domain/ids.js';
import { ROLES, type Role } from '../domain/review.js';
import type { Store } from '../repositories/store.js';
import type { UserRow } from '../repositories/users.repository.js';
import { checkPasswordRules, dummyHash, hashPassword, verifyPassword } from './passwords.js';
import { userView, type UserView } from './user-view.js';

const SESSION_DAYS = 14;
const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
const token = (): string => randomBytes(32).toString('base64url');

export interface SignedIn {
  user: UserView;
  sessionToken: string;
  csrfToken: string;
  expiresAt: string;
}

export interface ProfileInput {
  displayName?: unknown;
  realName?: unknown;
  campusId?: unknown;
  unit?: unknown;
  email?: unknown;
  locale?: unknown;
}

function field(v: unknown, name: string, max: number, required = false): string {
  if (v === undefined || v === null) v = '';
  if (typeof v !== 'string') throw new AppError('VALIDATION', `${name}: type`, { field: name, rule: 'type' });
  const s = v.trim();
  if (required && !s) throw new AppError('VALIDATION', `${name}: required`, { field: name, rule: 'required' });
  if (s.length > max) throw new AppError('VALIDATION', `${name}: too long`, { field: name, rule: 'too_long', max });
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(s)) throw new AppError('VALIDATION', `${name}: control characters`, { field: name, rule: 'control_chars' });
  return s;
}

function username(v: unknown): string {
  const s = field(v, 'username', 64, true).toLowerCase();
  if (!/^[a-z0-9][a-z0-9._-]{1,63}$/.test(s)) throw new AppError('VALIDATION', 'username: letters, digits, . _ -', { field: 'username', rule: 'username' });
  return s;
}

function role(v: unknown): Role {
  if (typeof v !== 'string' || !(ROLES as readonly string[]).includes(v)) throw new AppError('VALIDATION', 'role', { field: 'role', rule: 'enum' });
  return v as Role;
}

export class AuthService {
  constructor(
    private readonly store: Store,
    private readonly opts: { allowSignup: boolean },
  ) {}

  /** On a fresh install, a one-time token for the first admin (printed by `cws start`). */
  async firstAdminToken(): Promise<string | null> {
    if ((await this.store.repos.users.count()) > 0) return null;
    const t = token();
    await this.store.tx(async (r) => {
      // Only the link printed by the latest start works.
      await r.sessions.invalidateSetupTokens(nowIso());
      await r.sessions.insertSetupToken({ token_hash: sha(t), created_at: nowIso(), used_at: null });
    });
    return t;
  }

  async setupRequired(): Promise<boolean> {
    return (await this.store.repos.users.count()) === 0;
  }

  async setup(setupToken: unknown, input: { username: unknown; password: unknown; displayName: unknown }): Promise<SignedIn> {
    if (typeof setupToken !== 'string' || !setupToken) throw new AppError('SETUP_TOKEN', 'setup token missing');
    const name = username(input.username);
    const pw = checkPasswordRules(input.password);
    const display = field(input.displayName, 'displayName', 100, true);
    const pwHash = await hashPassword(pw);
    const user = await this.store.tx(async (r) => {
      if ((await r.users.count()) > 0) throw new AppError('SETUP_DONE', 'the first admin already exists');
      if (!(await r.sessions.useSetupToken(sha(setupToken), nowIso()))) throw new AppError('SETUP_TOKEN', 'setup link is invalid or already used');
      const u = this.newUser(name, pwHash, display, 'admin');
      await r.users.insert(u);
      await r.audit.record(u.id, 'user.setup', `user:${u.id}`);
      return u;
    });
    return this.openSession(user);
  }

  async signup(input: ProfileInput & { username: unknown; password: unknown }): Promise<SignedIn> {
    if (!this.opts.allowSignup) throw new AppError('SIGNUP_DISABLED', 'self sign-up is disabled');
    const name = username(input.username);
    const pw = checkPasswordRules(input.password);
    const u = this.newUser(name, await hashPassword(pw), field(input.displayName, 'displayName', 100, true), 'creator');
    Object.assign(u, this.profileFields(input));
    await this.store.tx(async (r) => {
      if ((await r.users.count()) === 0) throw new AppError('FORBIDDEN', 'create the first admin with the setup link first');
      if (await r.users.byUsername(name)) throw new AppError('USERNAME_TAKEN', 'username taken', { field: 'username' });
      await r.users.insert(u);
      await r.audit.record(u.id, 'user.signup', `user:${u.id}`);
    });
    return this.openSession(u);
  }

  async login(usernameRaw: unknown, password: unknown): Promise<SignedIn> {
    if (typeof usernameRaw !== 'string' || typeof password !== 'string') throw new AppError('BAD_CREDENTIALS', 'wrong username or password');
    const u = await this.store.repos.users.byUsername(usernameRaw.trim().toLowerCase());
    const ok = await verifyPassword(u?.password_hash ?? (await dummyHash()), password);
    if (!u || !ok) throw new AppError('BAD_CREDENTIALS', 'wrong username or password');
    if (u.disabled) throw new AppError('ACCOUNT_DISABLED', 'account disabled');
    await this.store.repos.audit.record(u.id, 'user.login', `user:${u.id}`);
    return this.openSession(u);
  }

  async logout(sessionToken: string): Promise<void> {
    await this.store.repos.sessions.delete(sha(sessionToken));
  }

  /** The signed-in user for a session cookie, or null (unknown, expired, disabled). */
  async authenticate(sessionToken: string | undefined): Promise<{ user: UserRow; csrfToken: string } | null> {
    if (!sessionToken) return null;
    const s = await this.store.repos.sessions.byId(sha(sessionToken));
    if (!s || s.expires_at < nowIso()) return null;
    const u = await this.store.repos.users.byId(s.user_id);
    if (!u || u.disabled) return null;
    return { user: u, csrfToken: s.csrf_token };
  }

  async changePassword(user: UserRow, current: unknown, next: unknown): Promise<void> {
    if (typeof current !== 'string' || !(await verifyPassword(user.password_hash, current))) {
      throw new AppError('BAD_CREDENTIALS', 'current password is wrong', { field: 'currentPassword' });
    }
    const pw = checkPasswordRules(next, 'newPassword');
    await this.store.repos.users.update(user.id, { password_hash: await hashPassword(pw), must_change_password: 0, updated_at: nowIso() });
    await this.store.repos.audit.record(user.id, 'user.password', `user:${user.id}`);
  }

  async updateProfile(user: UserRow, input: ProfileInput): Promise<UserView> {
    const patch = this.profileFields(input);
    await this.store.repos.users.update(user.id, { ...patch, updated_at: nowIso() });
    return userView((await this.store.repos.users.byId(user.id))!);
  }

  // --- administration ---

  private requireAdmin(actor: UserRow): void {
    if (actor.role !== 'admin') throw new AppError('FORBIDDEN', 'admins only');
  }

  async listUsers(actor: UserRow, q: string, page: number, pageSize: number) {
    this.requireAdmin(actor);
    const { items, total } = await this.store.repos.users.list(q, pageSize, (page - 1) * pageSize);
    return { items: items.map(userView), total, page, pageSize };
  }

  async createUser(actor: UserRow, input: ProfileInput & { username: unknown; password: unknown; role: unknown }): Promise<UserView> {
    this.requireAdmin(actor);
    const name = username(input.username);
    const u = this.newUser(name, await hashPassword(checkPasswordRules(input.password)), field(input.displayName, 'displayName', 100, true), role(input.role));
    Object.assign(u, this.profileFields(input));
    // The admin chose this password; the person should choose their own.
    u.must_change_password = 1;
    await this.store.tx(async (r) => {
      if (await r.users.byUsername(name)) throw new AppError('USERNAME_TAKEN', 'username taken', { field: 'username' });
      await r.users.insert(u);
      await r.audit.record(actor.id, 'user.create', `user:${u.id}`, { role: u.role });
    });
    return userView(u);
  }

  async updateUser(actor: UserRow, id: string, input: { role?: unknown; disabled?: unknown }): Promise<UserView> {
    this.requireAdmin(actor);
    const target = await this.store.repos.users.byId(id);
    if (!target) throw new AppError('NOT_FOUND', 'user not found');
    const patch: Partial<UserRow> = { updated_at: nowIso() };
    if (input.role !== undefined) patch.role = role(input.role);
    if (input.disabled !== undefined) {
      if (typeof input.disabled !== 'boolean') throw new AppError('VALIDATION', 'disabled', { field: 'disabled', rule: 'type' });
      patch.disabled = input.disabled ? 1 : 0;
    }
    // An admin cannot lock themselves (and so everyone) out.
    if (target.id === actor.id && (patch.disabled === 1 || (patch.role && patch.role !== 'admin'))) {
      throw new AppError('FORBIDDEN', 'you cannot remove your own admin rights or disable yourself');
    }
    await this.store.tx(async (r) => {
      await r.users.update(id, patch);
      if (patch.disabled === 1) await r.sessions.deleteForUser(id);
      await r.audit.record(actor.id, 'user.update', `user:${id}`, { role: patch.role, disabled: patch.disabled });
    });
    return userView((await this.store.repos.users.byId(id))!);
  }

  async resetPassword(actor: UserRow, id: string): Promise<{ temporaryPassword: string }> {
    this.requireAdmin(actor);
    const target = await this.store.repos.users.byId(id);
    if (!target) throw new AppError('NOT_FOUND', 'user not found');
    const temporaryPassword = randomBytes(12).toString('base64url');
    const pwHash = await hashPassword(temporaryPassword);
    await this.store.tx(async (r) => {
      await r.users.update(id, { password_hash: pwHash, must_change_password: 1, updated_at: nowIso() });
      await r.sessions.deleteForUser(id);
      await r.audit.record(actor.id, 'user.reset_password', `user:${id}`);
    });
    return { temporaryPassword };
  }

  /** Creates an account directly (demo data, CLI); no session. */
  async createAccount(name: string, password: string, displayName: string, r: Role, profile: ProfileInput = {}): Promise<UserView> {
    const u = this.newUser(username(name), await hashPassword(checkPasswordRules(password)), displayName, r);
    Object.assign(u, this.profileFields(profile));
    await this.store.repos.users.insert(u);
    return userView(u);
  }

  private profileFields(input: ProfileInput): Partial<UserRow> {
    const p: Partial<UserRow> = {};
    if (input.displayName !== undefined) p.display_name = field(input.displayName, 'displayName', 100, true);
    if (input.realName !== undefined) p.real_name = field(input.realName, 'realName', 100);
    if (input.campusId !== undefined) p.campus_id = field(input.campusId, 'campusId', 64);
    if (input.unit !== undefined) p.unit = field(input.unit, 'unit', 200);
    if (input.email !== undefined) {
      const e = field(input.email, 'email', 254);
      if (e && !/^[^\s@]+@[^\s@]+$/.test(e)) throw new AppError('VALIDATION', 'email', { field: 'email', rule: 'email' });
      p.email = e;
    }
    if (input.locale !== undefined) {
      if (input.locale !== 'zh-CN' && input.locale !== 'en') throw new AppError('VALIDATION', 'locale', { field: 'locale', rule: 'enum' });
      p.locale = input.locale;
    }
    return p;
  }

  private newUser(name: string, passwordHash: string, displayName: string, r: Role): UserRow {
    const now = nowIso();
    return { id: newId(), username: name, password_hash: passwordHash, display_name: displayName, real_name: '', campus_id: '', unit: '', email: '', role: r, locale: 'zh-CN', disabled: 0, must_change_password: 0, created_at: now, updated_at: now };
  }

  private async openSession(u: UserRow): Promise<SignedIn> {
    const sessionToken = token();
    const csrfToken = token();
    const now = new Date();
    const expiresAt = new Date(now.getTime() + SESSION_DAYS * 86_400_000).toISOString();
    await this.store.repos.sessions.insert({ id: sha(sessionToken), user_id: u.id, csrf_token: csrfToken, created_at: now.toISOString(), expires_at: expiresAt });
    return { user: userView(u), sessionToken, csrfToken, expiresAt };
  }
}
