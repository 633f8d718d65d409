import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmailTakenError, UnknownUserError } from '../../src/storage/storage.ts';
import type { AccountStore } from '../../src/storage/stores.ts';
import { inviteRecord, sessionRecord, userRecord } from '../support/records.ts';
import type { MakeStore, StoreUnderTest } from './storeUnderTest.ts';

/**
 * What every `AccountStore` must do (people, sessions and invites; see `server/src/storage/stores.ts`). Run it once per
 * implementation; `make` gives a fresh, empty store for each test.
 */
export function describeAccountStoreContract(name: string, make: MakeStore<AccountStore>): void {
  describe(`${name}: AccountStore contract`, () => {
    let subject: StoreUnderTest<AccountStore>;
    let store: AccountStore;

    beforeEach(async () => {
      subject = await make();
      store = subject.store;
    });

    afterEach(async () => {
      await subject.close();
    });

    it('creates a person, then found by id and by email, and listed', async () => {
      const alice = userRecord('alice', { organisation: 'Open Data NGO', sector: 'civil-society' });
      await store.createUser(alice);
      await store.createUser(userRecord('tom'));

      expect(await store.getUser('alice')).toEqual(alice);
      expect(await store.findUserByEmail('alice@example.org')).toEqual(alice);
      expect((await store.listUsers()).map((user) => user.id).sort()).toEqual(['alice', 'tom']);
      expect(await store.getUser('nobody')).toBeUndefined();
      expect(await store.findUserByEmail('nobody@example.org')).toBeUndefined();
    });

    it('refuses a second person with an email in use, and keeps the first', async () => {
      await store.createUser(userRecord('alice', { name: 'Alice' }));

      await expect(
        store.createUser(userRecord('impostor', { email: 'alice@example.org', name: 'Impostor' })),
      ).rejects.toBeInstanceOf(EmailTakenError);

      expect(await store.listUsers()).toHaveLength(1);
      expect((await store.findUserByEmail('alice@example.org'))?.name).toBe('Alice');
    });

    it('refuses a duplicate email even when both creations run at the same time', async () => {
      const results = await Promise.allSettled([
        store.createUser(userRecord('one', { email: 'same@example.org' })),
        store.createUser(userRecord('two', { email: 'same@example.org' })),
      ]);

      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      expect(await store.listUsers()).toHaveLength(1);
    });

    it('changes a role and returns the updated person; an unknown person is an error', async () => {
      await store.createUser(userRecord('tom'));

      expect(await store.setUserRole('tom', 'taskforce')).toEqual(userRecord('tom', { role: 'taskforce' }));
      expect((await store.getUser('tom'))?.role).toBe('taskforce');
      await expect(store.setUserRole('nobody', 'admin')).rejects.toBeInstanceOf(UnknownUserError);
    });

    it('keeps its own copy of people, unaffected by changes to given or returned records', async () => {
      const given = userRecord('alice');
      await store.createUser(given);
      given.role = 'admin';
      const found = await store.getUser('alice');
      if (found) found.role = 'admin';
      const listed = await store.listUsers();
      if (listed[0]) listed[0].role = 'admin';
      const byEmail = await store.findUserByEmail('alice@example.org');
      if (byEmail) byEmail.role = 'admin';
      const changed = await store.setUserRole('alice', 'taskforce');
      changed.role = 'admin';

      expect((await store.getUser('alice'))?.role).toBe('taskforce');
    });

    it('keeps a session until it is deleted, and deletes only that one', async () => {
      await store.createSession(sessionRecord('session-a', 'alice'));
      await store.createSession(sessionRecord('session-b', 'alice'));

      expect(await store.getSession('session-a')).toEqual(sessionRecord('session-a', 'alice'));
      await store.deleteSession('session-a');
      await store.deleteSession('no-such-session');

      expect(await store.getSession('session-a')).toBeUndefined();
      expect(await store.getSession('session-b')).toEqual(sessionRecord('session-b', 'alice'));
    });

    it('keeps its own copy of a session', async () => {
      const given = sessionRecord('session-a', 'alice');
      await store.createSession(given);
      given.userId = 'mallory';
      const found = await store.getSession('session-a');
      if (found) found.expiresAt = '3999-01-01T00:00:00.000Z';

      expect(await store.getSession('session-a')).toEqual(sessionRecord('session-a', 'alice'));
    });

    it('finds an invite by its token hash and lists it', async () => {
      const invite = inviteRecord('invite-1', { email: 'tom@example.org' });
      await store.createInvite(invite);
      await store.createInvite(inviteRecord('invite-2', { role: 'admin' }));

      expect(await store.findInviteByTokenHash('hash-of-invite-1')).toEqual(invite);
      expect(await store.findInviteByTokenHash('hash-of-nothing')).toBeUndefined();
      expect((await store.listInvites()).map((each) => each.id).sort()).toEqual(['invite-1', 'invite-2']);
    });

    it('lets an invite be claimed only once, and records who claimed it', async () => {
      await store.createInvite(inviteRecord('invite-1'));

      expect(await store.claimInvite('invite-1', 'tom', '2024-02-01T00:00:00.000Z')).toBe(true);
      expect(await store.claimInvite('invite-1', 'mallory', '2024-02-02T00:00:00.000Z')).toBe(false);
      expect(await store.claimInvite('no-such-invite', 'mallory', '2024-02-02T00:00:00.000Z')).toBe(false);

      expect(await store.findInviteByTokenHash('hash-of-invite-1')).toMatchObject({
        usedAt: '2024-02-01T00:00:00.000Z',
        usedBy: 'tom',
      });
    });

    it('lets only one of two simultaneous claims of an invite win', async () => {
      await store.createInvite(inviteRecord('invite-1'));

      const results = await Promise.all([
        store.claimInvite('invite-1', 'tom', '2024-02-01T00:00:00.000Z'),
        store.claimInvite('invite-1', 'mallory', '2024-02-01T00:00:00.000Z'),
      ]);

      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results[0] ? 'tom' : 'mallory';
      expect((await store.findInviteByTokenHash('hash-of-invite-1'))?.usedBy).toBe(winner);
    });

    it('keeps its own copy of an invite', async () => {
      const given = inviteRecord('invite-1');
      await store.createInvite(given);
      given.role = 'admin';
      const found = await store.findInviteByTokenHash('hash-of-invite-1');
      if (found) found.usedAt = '2024-02-01T00:00:00.000Z';
      const listed = await store.listInvites();
      if (listed[0]) listed[0].email = 'mallory@example.org';

      expect(await store.findInviteByTokenHash('hash-of-invite-1')).toEqual(inviteRecord('invite-1'));
    });

    it('keeps people, sessions and invites after being closed and reopened', async (ctx) => {
      if (!subject.reopen) ctx.skip('this store keeps nothing beyond the process');
      await store.createUser(userRecord('alice'));
      await store.setUserRole('alice', 'taskforce');
      await store.createSession(sessionRecord('session-a', 'alice'));
      await store.createInvite(inviteRecord('invite-1'));
      await store.claimInvite('invite-1', 'alice', '2024-02-01T00:00:00.000Z');

      store = await (subject.reopen as () => Promise<AccountStore>)();

      expect(await store.getUser('alice')).toEqual(userRecord('alice', { role: 'taskforce' }));
      expect(await store.findUserByEmail('alice@example.org')).toEqual(
        userRecord('alice', { role: 'taskforce' }),
      );
      expect(await store.getSession('session-a')).toEqual(sessionRecord('session-a', 'alice'));
      expect((await store.findInviteByTokenHash('hash-of-invite-1'))?.usedBy).toBe('alice');
    });
  });
}
