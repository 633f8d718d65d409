import { Router } from 'express';
import { changeRoleSchema, createInviteSchema } from '../../../shared/authSchemas.ts';
import { type AccountService, toPublicUser } from '../accounts/accountService.ts';
import type { InviteRecord } from '../storage/storage.ts';
import { parseBody } from './errors.ts';
import { locals } from './session.ts';

/** `/api/admin/*`: people, roles and invitations. The service checks that the caller is an admin. */
export function adminRoutes(accounts: AccountService): Router {
  const router = Router();

  router.get('/admin/people', async (_req, res) => {
    const people = await accounts.listPeople(locals(res).actor);
    res.json(people.map(toPublicUser));
  });

  router.patch('/admin/people/:userId', async (req, res) => {
    const { role } = parseBody(changeRoleSchema, req.body);
    const user = await accounts.changeRole(locals(res).actor, req.params.userId, role);
    res.json(toPublicUser(user));
  });

  router.get('/admin/invites', async (_req, res) => {
    const invites = await accounts.listInvites(locals(res).actor);
    res.json(invites.map(inviteView));
  });

  router.post('/admin/invites', async (req, res) => {
    const input = parseBody(createInviteSchema, req.body);
    const { token, invite } = await accounts.createInvite(locals(res).actor, input);
    res.status(201).json({ ...inviteView(invite), path: `/invite/${token}` });
  });

  return router;
}

function inviteView(invite: InviteRecord) {
  const status = invite.usedAt
    ? 'used'
    : invite.expiresAt <= new Date().toISOString()
      ? 'expired'
      : 'pending';
  return {
    id: invite.id,
    role: invite.role,
    email: invite.email,
    createdAt: invite.createdAt,
    expiresAt: invite.expiresAt,
    usedAt: invite.usedAt,
    status,
  };
}
