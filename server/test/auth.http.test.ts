import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DraftView } from '../../shared/drafts.ts';
import type { Stores } from '../src/storage/stores.ts';
import { cookieFrom, type Identity, TEST_PASSWORD } from './support/identities.ts';
import { adminOf, type DraftSeed, seedDraft, signUpAs, signUpForm, windowFrom } from './support/records.ts';
import { startTestServer, type TestServer } from './support/testServer.ts';

// One server for the whole file: every test makes its own accounts and drafts where it changes
// them. Sign-ins over HTTP all come from 127.0.0.1, which may fail 50 times per 15 minutes; its
// sign-ups are not limited here (abuse.test.ts tests the limits, with their defaults).

const ALLOWED_ORIGIN = 'https://consult.example.org';

let running: TestServer<Stores>;
let server: TestServer['server'];
let storage: Stores;
let base: string;
let admin: Identity;
let alice: Identity;
let tom: Identity;

const OPEN = windowFrom(-1, 30);

/** A new draft for one test, so that changing it touches no other test. */
const draft = (overrides: DraftSeed = {}) => seedDraft(storage.drafts, { window: OPEN, ...overrides });

interface Call {
  method?: string;
  /** Sent as JSON; a string is sent as is. */
  body?: unknown;
  as?: Identity | string;
  headers?: Record<string, string>;
}

function call(pathname: string, { method = 'GET', body, as, headers = {} }: Call = {}): Promise<Response> {
  const all: Record<string, string> = { ...headers };
  const cookie = typeof as === 'string' ? as : as?.cookie;
  if (cookie) all.cookie = cookie;
  if (body !== undefined) all['content-type'] ??= 'application/json';
  return fetch(`${base}${pathname}`, {
    method,
    headers: all,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function me(cookie: string): Promise<unknown> {
  return ((await (await call('/api/auth/me', { as: cookie })).json()) as { user: unknown }).user;
}

beforeAll(async () => {
  running = await startTestServer({
    allowedOrigins: [ALLOWED_ORIGIN],
    abuseLimits: { signUpsPerAddressPerHour: 1_000_000, signUpsPerMinute: 1_000_000 },
  });
  ({ server, storage, url: base } = running);
  admin = await adminOf(server.accounts);
  alice = await signUpAs(server.accounts, 'stakeholder', 'Alice');
  tom = await signUpAs(server.accounts, 'taskforce', 'Tom');
});

afterAll(async () => {
  await running.close();
});

describe('signing up, in and out', () => {
  it('PERM-8 POST /api/auth/register signs a stakeholder up, answers 201 and sets an httpOnly SameSite=Lax cookie', async () => {
    const input = signUpForm('Inès', {
      organisation: 'Université de Lomé',
      sector: 'academia',
      language: 'fr',
    });

    const response = await call('/api/auth/register', { method: 'POST', body: input });

    expect(response.status).toBe(201);
    const { user } = (await response.json()) as { user: Record<string, unknown> };
    expect(user).toMatchObject({
      name: 'Inès',
      email: input.email,
      role: 'stakeholder',
      organisation: 'Université de Lomé',
      sector: 'academia',
      language: 'fr',
      color: expect.stringMatching(/^#[0-9a-f]{6}$/),
    });
    expect(user).not.toHaveProperty('passwordHash');
    const [setCookie] = response.headers.getSetCookie();
    expect(setCookie).toMatch(/^margins_session=[\w-]{40,};/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Lax');
    expect(setCookie).toContain('Path=/');
    expect(setCookie).toContain(`Max-Age=${30 * 24 * 3600}`);
    expect(setCookie).not.toContain('Secure'); // plain http here; see the proxy test below
    expect(await me(cookieFrom(response))).toEqual(user);
  });

  it('GET /api/auth/me answers user null without a session, or with one that does not exist', async () => {
    expect(await me('')).toBeNull();
    expect(await me('margins_session=made-up')).toBeNull();
    expect(await me(alice.cookie)).toMatchObject({ name: 'Alice', role: 'stakeholder' });
  });

  it('refuses a second account for an email in use, whatever its case, with 409 email_taken', async () => {
    const response = await call('/api/auth/register', {
      method: 'POST',
      body: signUpForm('Alicia', { email: alice.user.email.toUpperCase() }),
    });

    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ error: { code: 'email_taken' } });
  });

  it('POST /api/auth/login starts a new session and ends the one the browser had', async () => {
    const registered = await call('/api/auth/register', { method: 'POST', body: signUpForm('Lena') });
    const before = cookieFrom(registered);
    const { user } = (await registered.json()) as { user: { email: string } };

    const login = await call('/api/auth/login', {
      method: 'POST',
      as: before,
      body: { email: user.email, password: TEST_PASSWORD },
    });

    expect(login.status).toBe(200);
    expect(await login.json()).toMatchObject({ user: { email: user.email } });
    const after = cookieFrom(login);
    expect(after).not.toBe(before);
    expect(await me(before)).toBeNull();
    expect(await me(after)).toMatchObject({ email: user.email });
  });

  it('answers a wrong password with 401 invalid_credentials and no cookie', async () => {
    const response = await call('/api/auth/login', {
      method: 'POST',
      body: { email: alice.user.email, password: 'not the password' },
    });

    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'invalid_credentials' } });
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('LIMIT-6 answers the 6th sign-in after 5 failures on one account from one address with 429 slow_down and Retry-After', async () => {
    const registered = await call('/api/auth/register', { method: 'POST', body: signUpForm('Slowed') });
    const { user } = (await registered.json()) as { user: { email: string } };
    for (let i = 0; i < 5; i++) {
      const failed = await call('/api/auth/login', {
        method: 'POST',
        body: { email: user.email, password: `guess number ${i}` },
      });
      expect(failed.status).toBe(401);
    }

    const slowed = await call('/api/auth/login', {
      method: 'POST',
      body: { email: user.email, password: TEST_PASSWORD },
    });

    expect(slowed.status).toBe(429);
    expect(Number(slowed.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await slowed.json()).toMatchObject({ error: { code: 'slow_down' } });
  });

  it('POST /api/auth/logout ends the session and clears the cookie', async () => {
    const registered = await call('/api/auth/register', { method: 'POST', body: signUpForm('Leaving') });
    const cookie = cookieFrom(registered);

    const response = await call('/api/auth/logout', { method: 'POST', as: cookie });

    expect(response.status).toBe(204);
    expect(response.headers.getSetCookie()[0]).toMatch(/^margins_session=;.*Max-Age=0/);
    expect(await me(cookie)).toBeNull();
    expect((await call('/api/auth/logout', { method: 'POST' })).status).toBe(204);
  });

  it('PERM-8 marks the cookie Secure behind an https proxy', async () => {
    const proxied = await startTestServer({ trustProxy: 1 });
    try {
      const response = await fetch(`${proxied.url}/api/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
        body: JSON.stringify(signUpForm('Secure')),
      });
      expect(response.status).toBe(201);
      expect(response.headers.getSetCookie()[0]).toContain('Secure');
    } finally {
      await proxied.close();
    }
  });
});

describe('bad requests', () => {
  it('LIMIT-4 answers a body that breaks the schema with 400 validation_failed naming each field', async () => {
    const response = await call('/api/auth/register', {
      method: 'POST',
      body: { name: '', email: 'not-an-email', password: 'short' },
    });

    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string; details: unknown[] } };
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.message).toEqual(expect.any(String));
    expect(body.error.details).toEqual(
      expect.arrayContaining([
        { path: 'name', message: 'enter your name' },
        { path: 'email', message: 'enter a valid email address' },
        { path: 'password', message: 'use at least 10 characters' },
      ]),
    );
  });

  it('LIMIT-4 refuses fields it does not know, so nobody signs up as an admin by adding one', async () => {
    const response = await call('/api/auth/register', {
      method: 'POST',
      body: signUpForm('Mallory', { role: 'admin' }),
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { code: 'validation_failed', details: [{ path: '(body)' }] },
    });
  });

  it('answers malformed JSON with 400 bad_request', async () => {
    const response = await call('/api/auth/login', { method: 'POST', body: '{"email": "alice@' });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { code: 'bad_request', message: 'The request body is not valid JSON.' },
    });
  });

  it('LIMIT-3 answers a body over 64 kB with 413', async () => {
    const response = await call('/api/auth/register', {
      method: 'POST',
      body: signUpForm('Big', { organisation: 'x'.repeat(65 * 1024) }),
    });

    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: 'bad_request' } });
  });

  it('answers an address that does not decode with 400 bad_request, not as a body error', async () => {
    const response = await call('/api/drafts/%ZZ/content');

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { code: 'bad_request', message: 'The address of the request is not valid.' },
    });
  });

  it('answers a draft id that cannot be one with 404, without repeating it back', async () => {
    const response = await call(`/api/drafts/${'a'.repeat(300)}/content`);

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: { code: 'not_found', message: 'There is no such draft.' },
    });
  });

  it('answers unknown API paths with 404 not_found', async () => {
    const response = await call('/api/auth/nothing', { method: 'POST', body: {} });

    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});

describe('cross-site request forgery', () => {
  /** A sign-out with Alice's cookie: harmless to repeat here, since a refusal keeps her session. */
  async function logoutWith(headers: Record<string, string>, cookie: string): Promise<Response> {
    return call('/api/auth/logout', { method: 'POST', as: cookie, headers });
  }

  const forged: [string, () => Record<string, string>][] = [
    ['Sec-Fetch-Site: cross-site', () => ({ 'sec-fetch-site': 'cross-site' })],
    ['Sec-Fetch-Site: same-site (a sibling subdomain)', () => ({ 'sec-fetch-site': 'same-site' })],
    ['a foreign Origin (a browser without Sec-Fetch-Site)', () => ({ origin: 'https://evil.example' })],
    ['an opaque Origin "null"', () => ({ origin: 'null' })],
    [
      'our own Origin but Sec-Fetch-Site: cross-site',
      () => ({ origin: base, 'sec-fetch-site': 'cross-site' }),
    ],
  ];

  it.each(forged)(
    'refuses a state change sent with %s: 403 cross_site_request, session kept',
    async (_what, headers) => {
      const response = await logoutWith(headers(), alice.cookie);

      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ error: { code: 'cross_site_request' } });
      expect(await me(alice.cookie)).toMatchObject({ name: 'Alice' });
    },
  );

  it('PERM-7 refuses a cross-site change to a draft made with an admin’s cookie, and changes nothing', async () => {
    const id = await draft();

    const response = await call(`/api/drafts/${id}`, {
      method: 'PATCH',
      as: admin,
      headers: { origin: 'https://evil.example' },
      body: { visibility: 'private' },
    });

    expect(response.status).toBe(403);
    expect((await storage.drafts.getDraft(id))?.visibility).toBe('public');
  });

  it('PERM-7 allows a state change from our own page, a same-origin fetch, a typed URL, an allowed origin or a script', async () => {
    const own = base;
    const cases: Record<string, string>[] = [
      { origin: own },
      { origin: own, 'sec-fetch-site': 'same-origin' },
      { 'sec-fetch-site': 'none' },
      { origin: ALLOWED_ORIGIN },
      {}, // a script: no Origin, no Sec-Fetch-*, just the cookie
    ];
    for (const headers of cases) {
      const registered = await call('/api/auth/register', {
        method: 'POST',
        body: signUpForm('Script'),
        headers,
      });
      expect(registered.status, JSON.stringify(headers)).toBe(201);
      expect((await logoutWith(headers, cookieFrom(registered))).status, JSON.stringify(headers)).toBe(204);
    }
  });

  it('answers reads whatever the site, since they change nothing', async () => {
    const response = await call('/api/auth/me', {
      as: alice,
      headers: { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
    });

    expect(response.status).toBe(200);
  });
});

describe('admin endpoints', () => {
  const endpoints: [string, string, () => unknown][] = [
    ['GET', '/api/admin/people', () => undefined],
    ['PATCH', '/api/admin/people/{alice}', () => ({ role: 'stakeholder' })],
    ['GET', '/api/admin/invites', () => undefined],
    ['POST', '/api/admin/invites', () => ({ role: 'taskforce' })],
  ];
  const url = (template: string) => template.replace('{alice}', alice.user.id);

  it.each(endpoints)(
    '%s %s: 401 for visitors, 403 for stakeholders and task force, 2xx for admins',
    async (method, template, body) => {
      const answer = async (as?: Identity) => {
        const response = await call(url(template), { method, as, body: body() });
        return {
          status: response.status,
          code: ((await response.json()) as { error?: { code: string } }).error?.code,
        };
      };

      expect(await answer()).toEqual({ status: 401, code: 'unauthenticated' });
      expect(await answer(alice)).toEqual({ status: 403, code: 'forbidden' });
      expect(await answer(tom)).toEqual({ status: 403, code: 'forbidden' });
      const ok = await answer(admin);
      expect(ok.code).toBeUndefined();
      expect(ok.status).toBeGreaterThanOrEqual(200);
      expect(ok.status).toBeLessThan(300);
    },
  );

  it('PERM-8 lists people without their password hashes', async () => {
    const response = await call('/api/admin/people', { as: admin });

    const people = (await response.json()) as Record<string, unknown>[];
    expect(people).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: alice.user.id, name: 'Alice', role: 'stakeholder' }),
        expect.objectContaining({ id: tom.user.id, role: 'taskforce' }),
      ]),
    );
    for (const person of people) expect(person).not.toHaveProperty('passwordHash');
  });

  it('PATCH /api/admin/people/:userId changes a role at once', async () => {
    const dana = await signUpAs(server.accounts, 'stakeholder', 'Dana');

    const response = await call(`/api/admin/people/${dana.user.id}`, {
      method: 'PATCH',
      as: admin,
      body: { role: 'taskforce' },
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: dana.user.id, role: 'taskforce' });
    expect(await me(dana.cookie)).toMatchObject({ role: 'taskforce' });
  });

  it('refuses an unknown person (404), an unknown role (400) and demoting the last admin (409)', async () => {
    const patch = (id: string, role: string) =>
      call(`/api/admin/people/${id}`, { method: 'PATCH', as: admin, body: { role } });

    const unknown = await patch('no-such-person', 'taskforce');
    expect(unknown.status).toBe(404);
    expect((await patch(alice.user.id, 'visitor')).status).toBe(400);
    const last = await patch(admin.user.id, 'stakeholder');
    expect(last.status).toBe(409);
    expect(await last.json()).toMatchObject({ error: { code: 'last_admin' } });
  });
});

describe('invitations', () => {
  it('lets an invited person join once with the invite’s role', async () => {
    const created = await call('/api/admin/invites', {
      method: 'POST',
      as: admin,
      body: { role: 'taskforce' },
    });
    expect(created.status).toBe(201);
    const invite = (await created.json()) as { id: string; path: string; status: string; role: string };
    expect(invite).toMatchObject({ role: 'taskforce', email: null, status: 'pending', usedAt: null });
    const token = invite.path.replace('/invite/', '');
    expect(invite.path).toMatch(/^\/invite\/[\w-]{40,}$/);

    const shown = await call(`/api/invites/${token}`);
    expect(shown.status).toBe(200);
    expect(await shown.json()).toEqual({ role: 'taskforce', email: null, expiresAt: expect.any(String) });

    const accepted = await call(`/api/invites/${token}/accept`, {
      method: 'POST',
      body: signUpForm('Nadia'),
    });
    expect(accepted.status).toBe(201);
    expect(await accepted.json()).toMatchObject({ user: { name: 'Nadia', role: 'taskforce' } });
    expect(await me(cookieFrom(accepted))).toMatchObject({ name: 'Nadia', role: 'taskforce' });

    const again = await call(`/api/invites/${token}/accept`, { method: 'POST', body: signUpForm('Mallory') });
    expect(again.status).toBe(410);
    expect(await again.json()).toMatchObject({ error: { code: 'invite_invalid' } });
    expect((await call(`/api/invites/${token}`)).status).toBe(410);
    const listed = (await (await call('/api/admin/invites', { as: admin })).json()) as { id: string }[];
    expect(listed.find((each) => each.id === invite.id)).toMatchObject({ status: 'used' });
  });

  it('keeps an invite for one address to that address', async () => {
    const created = await call('/api/admin/invites', {
      method: 'POST',
      as: admin,
      body: { role: 'admin', email: 'Deputy@Example.org' },
    });
    const { path: link, email } = (await created.json()) as { path: string; email: string };
    expect(email).toBe('deputy@example.org');
    const accept = (body: unknown) =>
      call(`${link.replace('/invite/', '/api/invites/')}/accept`, { method: 'POST', body });

    expect((await accept(signUpForm('Mallory'))).status).toBe(410);
    const ok = await accept(signUpForm('Deputy', { email: 'deputy@example.org' }));
    expect(ok.status).toBe(201);
    expect(await ok.json()).toMatchObject({ user: { role: 'admin' } });
  });

  it('answers an unknown invite with 410 and a bad sign-up with 400', async () => {
    expect((await call('/api/invites/not-a-real-token')).status).toBe(410);
    const created = await call('/api/admin/invites', {
      method: 'POST',
      as: admin,
      body: { role: 'taskforce' },
    });
    const { path: link } = (await created.json()) as { path: string };
    const bad = await call(`${link.replace('/invite/', '/api/invites/')}/accept`, {
      method: 'POST',
      body: { name: 'No password' },
    });
    expect(bad.status).toBe(400);
  });
});

describe('drafts', () => {
  async function list(as?: Identity): Promise<string[]> {
    return ((await (await call('/api/drafts', { as })).json()) as DraftView[]).map((each) => each.id);
  }

  it('PERM-3 hides private drafts from visitors and stakeholders, in the list and by id (404)', async () => {
    const hidden = await draft({ visibility: 'private' });
    const shown = await draft();

    for (const who of [undefined, alice]) {
      expect(await list(who)).toContain(shown);
      expect(await list(who)).not.toContain(hidden);
      const one = await call(`/api/drafts/${hidden}`, { as: who });
      expect(one.status).toBe(404);
      expect(await one.json()).toMatchObject({ error: { code: 'not_found' } });
    }
    for (const who of [tom, admin]) {
      expect(await list(who)).toContain(hidden);
      expect((await call(`/api/drafts/${hidden}`, { as: who })).status).toBe(200);
    }
  });

  it('WINDOW-5 shows each person what they may do on the draft, and the window’s state', async () => {
    const open = await draft({ window: OPEN });
    const closed = await draft({ window: windowFrom(-30, -1) });
    const future = await draft({ window: windowFrom(2, 30) });
    const view = async (id: string, as?: Identity) =>
      (await (await call(`/api/drafts/${id}`, { as })).json()) as DraftView;

    const none = { edit: false, comment: false, suggest: false, configure: false };
    expect(await view(open)).toMatchObject({ windowState: 'open', permissions: none });
    expect((await view(open, alice)).permissions).toEqual({ ...none, comment: true, suggest: true });
    expect((await view(open, tom)).permissions).toEqual({
      edit: true,
      comment: true,
      suggest: true,
      configure: false,
    });
    expect((await view(open, admin)).permissions).toEqual({
      edit: true,
      comment: true,
      suggest: true,
      configure: true,
    });

    expect(await view(closed, alice)).toMatchObject({ windowState: 'closed', permissions: none });
    expect((await view(closed, tom)).permissions).toMatchObject({ edit: true, comment: true });
    expect(await view(future, alice)).toMatchObject({ windowState: 'not-yet-open', permissions: none });
  });

  it('WINDOW-3 PATCH /api/drafts/:draftId lets an admin change visibility and window', async () => {
    const id = await draft();
    const closedWindow = windowFrom(-30, -1);

    const response = await call(`/api/drafts/${id}`, {
      method: 'PATCH',
      as: admin,
      body: { visibility: 'private', window: closedWindow, title: 'Renamed' },
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      id,
      title: 'Renamed',
      visibility: 'private',
      window: closedWindow,
      windowState: 'closed',
    });
    expect(await storage.drafts.getDraft(id)).toMatchObject({ visibility: 'private', window: closedWindow });
    expect((await call(`/api/drafts/${id}`, { as: alice })).status).toBe(404);
  });

  it('PERM-5 WINDOW-3 PATCH /api/drafts/:draftId: 401 for visitors, 403 for stakeholders and task force, 404 for a draft they cannot see', async () => {
    const id = await draft();
    const hidden = await draft({ visibility: 'private' });
    const patch = (draftId: string, as?: Identity) =>
      call(`/api/drafts/${draftId}`, { method: 'PATCH', as, body: { visibility: 'private' } });

    expect((await patch(id)).status).toBe(401);
    expect((await patch(id, alice)).status).toBe(403);
    expect((await patch(id, tom)).status).toBe(403);
    expect((await patch(hidden, alice)).status).toBe(404);
    expect((await patch('no-such-draft', admin)).status).toBe(404);
    expect((await storage.drafts.getDraft(id))?.visibility).toBe('public');
  });

  it('WINDOW-3 refuses a window that closes before it opens, or without a time zone, with 400', async () => {
    const id = await draft();
    const patch = (body: unknown) => call(`/api/drafts/${id}`, { method: 'PATCH', as: admin, body });

    const backwards = await patch({ window: { opensAt: OPEN.closesAt, closesAt: OPEN.opensAt } });
    expect(backwards.status).toBe(400);
    expect(await backwards.json()).toMatchObject({
      error: { code: 'validation_failed', details: [{ path: 'window.closesAt' }] },
    });
    expect((await patch({ window: { opensAt: '2027-03-01T09:00', closesAt: OPEN.closesAt } })).status).toBe(
      400,
    );
    expect((await patch({ visibility: 'secret' })).status).toBe(400);
    expect((await patch({ language: 'fr' })).status).toBe(400);
    expect((await storage.drafts.getDraft(id))?.window).toEqual(OPEN);
  });
});

describe('security headers', () => {
  it('LIMIT-14 sends a Content-Security-Policy and the other helmet headers', async () => {
    for (const pathname of ['/api/health', '/drafts/anything']) {
      const response = await call(pathname);
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).toContain("frame-ancestors 'self'");
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-powered-by')).toBeNull();
    }
  });
});
