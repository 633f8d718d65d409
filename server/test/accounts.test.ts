import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { SignUp } from '../../shared/auth.ts';
import { ErrorCode } from '../../shared/errors.ts';
import { type Actor, VISITOR } from '../../shared/roles.ts';
import {
  AccountService,
  AdminTakeoverError,
  actorOf,
  INVITE_DAYS,
  SESSION_DAYS,
  toPublicUser,
} from '../src/accounts/accountService.ts';
import { argon2Hasher } from '../src/accounts/passwords.ts';
import { ServiceError } from '../src/serviceError.ts';
import { MemoryStorage } from '../src/storage/memoryStorage.ts';
import type { UserRecord } from '../src/storage/storage.ts';
import { DAY_MS } from './support/records.ts';

// These tests use the real argon2id hasher (tens of milliseconds a call): keep sign-ups few.

const logger = pino({ level: 'silent' });
const PASSWORD = 'correct horse battery';
const ADMIN = { email: 'chair@example.org', password: 'the chair’s password' };

/** A fresh service on empty memory storage, with a clock the test moves by hand. */
function makeAccounts() {
  const storage = new MemoryStorage();
  const roleChanges: UserRecord[] = [];
  const clock = { now: new Date() };
  const accounts = new AccountService({
    storage,
    passwords: argon2Hasher,
    logger,
    now: () => clock.now,
    onRoleChanged: (user) => roleChanges.push(user),
  });
  const advance = (ms: number) => {
    clock.now = new Date(clock.now.getTime() + ms);
  };
  return { storage, accounts, roleChanges, advance };
}

function person(name: string, overrides: Partial<SignUp> = {}): SignUp {
  return { name, email: `${name.toLowerCase()}@example.org`, password: PASSWORD, ...overrides };
}

/** The first admin, created as at first start, and signed in. */
async function firstAdmin(accounts: AccountService): Promise<Actor> {
  await accounts.ensureAdmin(ADMIN);
  const { user } = await accounts.signIn(ADMIN.email, ADMIN.password, '192.0.2.1');
  return actorOf(user);
}

/** Asserts that `promise` rejects with a ServiceError of `code`, and returns it. */
async function refusal(promise: Promise<unknown>, code: ErrorCode): Promise<ServiceError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ServiceError);
  expect((error as ServiceError).code).toBe(code);
  return error as ServiceError;
}

describe('AccountService: signing up and in', () => {
  it('PERM-8 signs a new stakeholder in and stores only an argon2id hash of the password', async () => {
    const { accounts, storage } = makeAccounts();

    const { user, token } = await accounts.register(
      person('Alice', {
        email: '  Alice@Example.ORG ',
        organisation: ' Open Data NGO ',
        sector: 'civil-society',
      }),
    );

    expect(user).toMatchObject({
      name: 'Alice',
      email: 'alice@example.org',
      role: 'stakeholder',
      organisation: 'Open Data NGO',
      sector: 'civil-society',
      country: null,
    });
    expect((await accounts.userForToken(token))?.id).toBe(user.id);
    const stored = await storage.accounts.getUser(user.id);
    expect(stored?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(stored?.passwordHash).not.toContain(PASSWORD);
    expect(toPublicUser(user)).not.toHaveProperty('passwordHash');
    expect((await accounts.signIn('ALICE@example.org', PASSWORD, '192.0.2.1')).user.id).toBe(user.id);
  });

  it('refuses a second account for the same email, whatever its case', async () => {
    const { accounts, storage } = makeAccounts();
    await accounts.register(person('Alice'));

    await refusal(accounts.register(person('Alicia', { email: ' ALICE@example.org' })), ErrorCode.EmailTaken);
    expect(await storage.accounts.listUsers()).toHaveLength(1);
  });

  it('refuses a wrong password and an unknown email with the same answer', async () => {
    const { accounts } = makeAccounts();
    await accounts.register(person('Alice'));

    const wrong = await refusal(
      accounts.signIn('alice@example.org', 'not the password', '192.0.2.1'),
      ErrorCode.InvalidCredentials,
    );
    const unknown = await refusal(
      accounts.signIn('nobody@example.org', PASSWORD, '192.0.2.1'),
      ErrorCode.InvalidCredentials,
    );
    expect(unknown.message).toBe(wrong.message);
  });

  it('gives each sign-in a new session; signing out ends only that one', async () => {
    const { accounts } = makeAccounts();
    const { token: first } = await accounts.register(person('Alice'));
    const { token: second } = await accounts.signIn('alice@example.org', PASSWORD, '192.0.2.1');

    expect(second).not.toBe(first);
    await accounts.signOut(first);

    expect(await accounts.userForToken(first)).toBeUndefined();
    expect(await accounts.userForToken(second)).toBeDefined();
    expect(await accounts.userForToken('a token nobody was given')).toBeUndefined();
  });

  it(`ends sessions ${SESSION_DAYS} days after sign-in`, async () => {
    const { accounts, advance } = makeAccounts();
    const { token } = await accounts.register(person('Alice'));

    advance(SESSION_DAYS * DAY_MS - 1);
    expect(await accounts.userForToken(token)).toBeDefined();
    advance(1);
    expect(await accounts.userForToken(token)).toBeUndefined();
  });
});

describe('AccountService: sign-in rate limits', () => {
  it('LIMIT-8 never locks the owner out: after 10 wrong passwords from 10 addresses, the right one gets in', async () => {
    const { accounts } = makeAccounts();
    await accounts.register(person('Alice'));

    for (let i = 0; i < 10; i++) {
      await refusal(
        accounts.signIn('alice@example.org', `guess ${i}`, `198.51.100.${i}`),
        ErrorCode.InvalidCredentials,
      );
    }

    expect((await accounts.signIn('ALICE@example.org', PASSWORD, '192.0.2.1')).user.name).toBe('Alice');
  });

  it('LIMIT-6 slows one address down after 5 wrong passwords on one account, without checking the next, and says for how long', async () => {
    const { accounts } = makeAccounts();
    await accounts.register(person('Alice'));
    await accounts.register(person('Tom'));

    for (let i = 0; i < 5; i++) {
      await refusal(
        accounts.signIn('alice@example.org', `guess ${i}`, '198.51.100.7'),
        ErrorCode.InvalidCredentials,
      );
    }
    const slowed = await refusal(
      accounts.signIn('ALICE@example.org', PASSWORD, '198.51.100.7'),
      ErrorCode.SlowDown,
    );

    expect(slowed.retryAfterSeconds).toBe(1);
    // Another account from the same address is not affected.
    expect((await accounts.signIn('tom@example.org', PASSWORD, '198.51.100.7')).user.name).toBe('Tom');
  });

  it('LIMIT-9 limits one address to 50 failed sign-ins, whichever accounts they name', async () => {
    const { accounts } = makeAccounts();
    await accounts.register(person('Alice'));

    for (let i = 0; i < 50; i++) {
      await refusal(
        accounts.signIn(`guess-${i}@example.org`, PASSWORD, '203.0.113.7'),
        ErrorCode.InvalidCredentials,
      );
    }
    const limited = await refusal(
      accounts.signIn('alice@example.org', PASSWORD, '203.0.113.7'),
      ErrorCode.RateLimited,
    );

    expect(limited.retryAfterSeconds).toBeGreaterThan(0);
    expect((await accounts.signIn('alice@example.org', PASSWORD, '203.0.113.8')).user.name).toBe('Alice');
  });
});

describe('AccountService: invitations', () => {
  it('PERM-8 lets an invite be used once, giving its role', async () => {
    const { accounts } = makeAccounts();
    const admin = await firstAdmin(accounts);
    const { token, invite } = await accounts.createInvite(admin, { role: 'taskforce' });
    expect(invite).toMatchObject({ role: 'taskforce', email: null, createdBy: admin.userId, usedAt: null });

    const { user, token: session } = await accounts.acceptInvite(token, person('Tom'));

    expect(user.role).toBe('taskforce');
    expect((await accounts.userForToken(session))?.role).toBe('taskforce');
    await refusal(accounts.acceptInvite(token, person('Mallory')), ErrorCode.InviteInvalid);
    await refusal(accounts.findInvite(token), ErrorCode.InviteInvalid);
    expect((await accounts.listInvites(admin))[0]).toMatchObject({ usedBy: user.id });
  });

  it(`expires an unused invite after ${INVITE_DAYS} days`, async () => {
    const { accounts, advance } = makeAccounts();
    const admin = await firstAdmin(accounts);
    const { token } = await accounts.createInvite(admin, { role: 'admin' });

    advance(INVITE_DAYS * DAY_MS - 1);
    expect((await accounts.findInvite(token)).role).toBe('admin');
    advance(1);
    await refusal(accounts.findInvite(token), ErrorCode.InviteInvalid);
    await refusal(accounts.acceptInvite(token, person('Tom')), ErrorCode.InviteInvalid);
    await refusal(accounts.findInvite('a token nobody was given'), ErrorCode.InviteInvalid);
  });

  it('keeps an invite for one address to that address, whatever its case', async () => {
    const { accounts } = makeAccounts();
    const admin = await firstAdmin(accounts);
    const { token, invite } = await accounts.createInvite(admin, {
      role: 'taskforce',
      email: 'Tom@Example.org',
    });
    expect(invite.email).toBe('tom@example.org');

    const wrong = await refusal(accounts.acceptInvite(token, person('Mallory')), ErrorCode.InviteInvalid);
    expect(wrong.message).toContain('tom@example.org');

    const { user } = await accounts.acceptInvite(token, person('Tom', { email: 'TOM@example.org' }));
    expect(user).toMatchObject({ email: 'tom@example.org', role: 'taskforce' });
  });

  it('refuses an invite for an email that already has an account, and keeps the invite', async () => {
    const { accounts } = makeAccounts();
    const admin = await firstAdmin(accounts);
    const { token } = await accounts.createInvite(admin, { role: 'taskforce' });

    await refusal(
      accounts.acceptInvite(token, person('Chair', { email: ADMIN.email })),
      ErrorCode.EmailTaken,
    );
    expect((await accounts.findInvite(token)).usedAt).toBeNull();
  });

  it('PERM-5 lets only admins create and list invites and list people', async () => {
    const { accounts } = makeAccounts();
    await firstAdmin(accounts);
    const { user } = await accounts.register(person('Alice'));
    const alice = actorOf(user);

    await refusal(accounts.createInvite(alice, { role: 'taskforce' }), ErrorCode.Forbidden);
    await refusal(accounts.listInvites(alice), ErrorCode.Forbidden);
    await refusal(accounts.listPeople(alice), ErrorCode.Forbidden);
    await refusal(accounts.createInvite(VISITOR, { role: 'admin' }), ErrorCode.Unauthenticated);
    await refusal(accounts.listPeople(VISITOR), ErrorCode.Unauthenticated);
  });
});

describe('AccountService: roles', () => {
  it('PERM-5 lets only an admin change a role, and tells the listener', async () => {
    const { accounts, roleChanges } = makeAccounts();
    const admin = await firstAdmin(accounts);
    const { user: alice } = await accounts.register(person('Alice'));
    const { user: tom } = await accounts.register(person('Tom'));
    const tomAsTaskforce = await accounts.changeRole(admin, tom.id, 'taskforce');
    expect(roleChanges).toEqual([tomAsTaskforce]);

    await refusal(accounts.changeRole(actorOf(alice), alice.id, 'admin'), ErrorCode.Forbidden);
    await refusal(accounts.changeRole(actorOf(tomAsTaskforce), alice.id, 'taskforce'), ErrorCode.Forbidden);
    await refusal(accounts.changeRole(VISITOR, alice.id, 'taskforce'), ErrorCode.Unauthenticated);
    await refusal(accounts.changeRole(admin, 'no-such-person', 'taskforce'), ErrorCode.NotFound);
    expect(roleChanges).toHaveLength(1);

    const demoted = await accounts.changeRole(admin, tom.id, 'stakeholder');
    expect(demoted.role).toBe('stakeholder');
    expect(roleChanges.map((user) => [user.id, user.role])).toEqual([
      [tom.id, 'taskforce'],
      [tom.id, 'stakeholder'],
    ]);
  });

  it('refuses to demote the last admin, and allows it once there is another', async () => {
    const { accounts } = makeAccounts();
    const admin = await firstAdmin(accounts);
    const { user: tom } = await accounts.register(person('Tom'));

    await refusal(accounts.changeRole(admin, admin.userId ?? '', 'taskforce'), ErrorCode.LastAdmin);

    const tomAsAdmin = await accounts.changeRole(admin, tom.id, 'admin');
    const former = await accounts.changeRole(admin, admin.userId ?? '', 'taskforce');
    expect(former.role).toBe('taskforce');
    const people = await accounts.listPeople(actorOf(tomAsAdmin));
    expect(people.filter((p) => p.role === 'admin').map((p) => p.id)).toEqual([tom.id]);
  });
});

describe('AccountService: the first admin', () => {
  it('PERM-9 creates the admin from credentials when there is none, and only then', async () => {
    const { accounts, storage } = makeAccounts();

    expect(await accounts.ensureAdmin({ email: ' Chair@Example.org', password: ADMIN.password })).toEqual({});
    expect(await accounts.ensureAdmin({ email: 'other@example.org', password: ADMIN.password })).toEqual({});

    const users = await storage.accounts.listUsers();
    expect(users).toEqual([expect.objectContaining({ email: 'chair@example.org', role: 'admin' })]);
    expect((await accounts.signIn(ADMIN.email, ADMIN.password, '192.0.2.1')).user.role).toBe('admin');
  });

  it('PERM-9 refuses to make an existing account admin unless MARGINS_ADMIN_PASSWORD is its password', async () => {
    const { accounts, storage } = makeAccounts();
    await accounts.register(person('Squatter', { email: ADMIN.email, password: 'the squatter’s password' }));

    await expect(accounts.ensureAdmin(ADMIN)).rejects.toThrow(AdminTakeoverError);

    expect(await storage.accounts.findUserByEmail(ADMIN.email)).toMatchObject({ role: 'stakeholder' });
    await refusal(accounts.signIn(ADMIN.email, ADMIN.password, '192.0.2.1'), ErrorCode.InvalidCredentials);
  });

  it('makes an existing account admin when MARGINS_ADMIN_PASSWORD is its password', async () => {
    const { accounts } = makeAccounts();
    await accounts.register(person('Chair', { email: ADMIN.email, password: ADMIN.password }));

    expect(await accounts.ensureAdmin({ email: 'CHAIR@example.org', password: ADMIN.password })).toEqual({});

    expect((await accounts.signIn(ADMIN.email, ADMIN.password, '192.0.2.1')).user.role).toBe('admin');
  });

  it('PERM-9 without credentials, gives a one-time setup token that makes its user an admin', async () => {
    const { accounts } = makeAccounts();

    const { setupToken } = await accounts.ensureAdmin();

    expect(setupToken).toEqual(expect.any(String));
    expect(await accounts.findInvite(setupToken ?? '')).toMatchObject({ role: 'admin', email: null });
    const { user } = await accounts.acceptInvite(setupToken ?? '', person('Chair'));
    expect(user.role).toBe('admin');
    expect(await accounts.ensureAdmin()).toEqual({});
    await refusal(accounts.acceptInvite(setupToken ?? '', person('Mallory')), ErrorCode.InviteInvalid);
  });
});
