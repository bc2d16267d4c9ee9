import type { UserRow } from '../repositories/users.repository.js';

export interface UserView {
  id: string;
  username: string;
  displayName: string;
  realName: string;
  campusId: string;
  unit: string;
  email: string;
  role: string;
  locale: string;
  disabled: boolean;
  mustChangePassword: boolean;
  createdAt: string;
}

export const userView = (u: UserRow): UserView => ({
  id: u.id,
  username: u.username,
  displayName: u.display_name,
  realName: u.real_name,
  campusId: u.campus_id,
  unit: u.unit,
  email: u.email,
  role: u.role,
  locale: u.locale,
  disabled: u.disabled === 1,
  mustChangePassword: u.must_change_password === 1,
  createdAt: u.created_at,
});
