import type { PublicUser, SignUp } from '../../../shared/auth.ts';
import type { AccountRole } from '../../../shared/roles.ts';
import { api } from './http.ts';

export interface InviteInfo {
  role: AccountRole;
  email: string | null;
  expiresAt: string;
}

export interface InviteView extends InviteInfo {
  id: string;
  createdAt: string;
  usedAt: string | null;
  status: 'pending' | 'used' | 'expired';
}

export const fetchMe = () => api<{ user: PublicUser | null }>('GET', '/api/auth/me');
export const signIn = (email: string, password: string) =>
  api<{ user: PublicUser }>('POST', '/api/auth/login', { email, password });
export const signUp = (input: SignUp) => api<{ user: PublicUser }>('POST', '/api/auth/register', input);
export const signOut = () => api<void>('POST', '/api/auth/logout');
export const fetchInvite = (token: string) =>
  api<InviteInfo>('GET', `/api/invites/${encodeURIComponent(token)}`);
export const acceptInvite = (token: string, input: SignUp) =>
  api<{ user: PublicUser }>('POST', `/api/invites/${encodeURIComponent(token)}/accept`, input);

export const fetchPeople = () => api<PublicUser[]>('GET', '/api/admin/people');
export const changeRole = (userId: string, role: AccountRole) =>
  api<PublicUser>('PATCH', `/api/admin/people/${encodeURIComponent(userId)}`, { role });
export const fetchInvites = () => api<InviteView[]>('GET', '/api/admin/invites');
export const createInvite = (role: 'taskforce' | 'admin', email?: string) =>
  api<InviteView & { path: string }>('POST', '/api/admin/invites', email ? { role, email } : { role });
