import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../src/config.ts';
import { cookieFrom, TEST_PASSWORD } from './support/identities.ts';
import { commentRecord, freshEmail, seedDraft, threadRecord } from './support/records.ts';
import { eventually } from './support/retry.ts';
import { runToExit, spawnServer } from './support/serverProcess.ts';
import { tempDir } from './support/tempDir.ts';
import { startTestServer, type TestServer } from './support/testServer.ts';

// Issue 12, "Open to the public, closed to abuse": each attack as it was reported, against a real
// server on port 0 configured from the environment as `npm start` would be, with the defaults
// unless a test says otherwise. Every server here is fresh, so no test spends another's limits.

const servers: TestServer[] = [];

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

/** A server set up from `env` by `configFromEnv`, the way `main.ts` does. */
async function serve(env: Record<string, string> = {}) {
  const server = await startTestServer({ env });
  servers.push(server);
  return { base: server.url, storage: server.storage };
}

/** POSTs JSON as a script would; `from` is sent as X-Forwarded-For. */
function post(base: string, pathname: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${base}${pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

function signIn(base: string, email: string, password: string, forwardedFor?: string) {
  return post(
    base,
    '/api/auth/login',
    { email, password },
    forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
  );
}

function signUp(base: string, email = freshEmail(), forwardedFor?: string) {
  return post(
    base,
    '/api/auth/register',
    { name: 'Someone', email, password: TEST_PASSWORD },
    forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
  );
}

/** How many of `responses` answered each status, as `{ 201: 10, 429: 30 }`. */
function statuses(responses: Response[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const response of responses) counts[response.status] = (counts[response.status] ?? 0) + 1;
  return counts;
}

async function errorCode(response: Response): Promise<string | undefined> {
  return ((await response.json()) as { error?: { code: string } }).error?.code;
}

describe('start-up admin takeover (issue 12, item 4)', () => {
  const chair = 'chair@example.org';
  const operatorPassword = 'the operator’s own password';
  const squatterPassword = 'the squatter’s password';

  it('PERM-9 refuses to start when MARGINS_ADMIN_EMAIL names an account whose password is another, and promotes nobody', async () => {
    const dataDir = tempDir();
    const first = await spawnServer({ dataDir });
    const squatted = await post(first.url, '/api/auth/register', {
      name: 'Squatter',
      email: chair,
      password: squatterPassword,
    });
    expect(squatted.status).toBe(201);
    await first.stop();

    const started = await spawnServer({
      dataDir,
      env: { MARGINS_ADMIN_EMAIL: chair, MARGINS_ADMIN_PASSWORD: operatorPassword },
    }).then(
      async (running) => {
        await running.stop();
        return `it started:\n${running.output()}`;
      },
      (error: Error) => error.message,
    );
    expect(started).toMatch(/server exited with 2 before listening/);
    expect(started).toContain(`MARGINS_ADMIN_EMAIL (${chair}) already has an account`);
    expect(started).toContain('MARGINS_ADMIN_PASSWORD');

    const after = await spawnServer({ dataDir });
    try {
      const squatter = await signIn(after.url, chair, squatterPassword);
      expect(squatter.status).toBe(200);
      expect(await squatter.json()).toMatchObject({ user: { role: 'stakeholder' } });
      expect(after.output()).toContain('/invite/'); // still no admin: the setup link is printed
    } finally {
      await after.stop();
    }
  });

  it('PERM-9 makes an existing account admin when MARGINS_ADMIN_PASSWORD is its password', async () => {
    const dataDir = tempDir();
    const first = await spawnServer({ dataDir });
    expect(
      (
        await post(first.url, '/api/auth/register', {
          name: 'Chair',
          email: chair,
          password: operatorPassword,
        })
      ).status,
    ).toBe(201);
    await first.stop();

    const second = await spawnServer({
      dataDir,
      env: { MARGINS_ADMIN_EMAIL: chair, MARGINS_ADMIN_PASSWORD: operatorPassword },
    });
    try {
      const signedIn = await signIn(second.url, chair, operatorPassword);
      expect(await signedIn.json()).toMatchObject({ user: { role: 'admin' } });
    } finally {
      await second.stop();
    }
  });
});

describe('proxy spoofing (issue 12, item 5)', () => {
  /** 60 failed sign-ins, each claiming another address in X-Forwarded-For, as `claimed(i)`. */
  async function spoofedFailures(base: string, claimed: (i: number) => string) {
    const answers: Response[] = [];
    for (let i = 0; i < 60; i++) {
      answers.push(await signIn(base, freshEmail('nobody'), 'a wrong password', claimed(i)));
    }
    return statuses(answers);
  }

  it('LIMIT-12 refuses TRUST_PROXY=true, saying what to set instead', () => {
    expect(() => configFromEnv({ TRUST_PROXY: 'true' })).toThrow(
      /TRUST_PROXY.*number of proxies.*TRUST_PROXY=1.*addresses/,
    );
    expect(() => configFromEnv({ TRUST_PROXY: 'not-an-address' })).toThrow(/TRUST_PROXY/);
  });

  it('LIMIT-9 LIMIT-12 with TRUST_PROXY=1 (one proxy), takes the address the proxy appended: a rotating X-Forwarded-For gets 429 after 50 failures', async () => {
    const { base } = await serve({ TRUST_PROXY: '1' });

    // What one reverse proxy forwards: whatever the client claimed, then the address it saw.
    const counts = await spoofedFailures(base, (i) => `198.51.100.${i}, 203.0.113.9`);

    expect(counts).toEqual({ 401: 50, 429: 10 });
  });

  it('LIMIT-12 with TRUST_PROXY set to the proxy’s address, the same; other hops are not believed', async () => {
    const { base } = await serve({ TRUST_PROXY: '127.0.0.1' });

    expect(await spoofedFailures(base, (i) => `198.51.100.${i}, 203.0.113.9`)).toEqual({ 401: 50, 429: 10 });
  });

  it('LIMIT-12 believes no X-Forwarded-For from a client that is not a trusted proxy', async () => {
    const { base } = await serve({ TRUST_PROXY: '10.0.0.1, 10.0.0.2' });

    expect(await spoofedFailures(base, (i) => `198.51.100.${i}`)).toEqual({ 401: 50, 429: 10 });
  });

  it('LIMIT-12 believes no X-Forwarded-For without TRUST_PROXY', async () => {
    const { base } = await serve();

    expect(await spoofedFailures(base, (i) => `198.51.100.${i}`)).toEqual({ 401: 50, 429: 10 });
  });
});

describe('sign-up floods (issue 12, item 6)', () => {
  it('LIMIT-10 lets one address create 10 accounts an hour: of 40 concurrent sign-ups, 30 get 429 with Retry-After', async () => {
    const { base, storage } = await serve();

    const answers = await Promise.all(Array.from({ length: 40 }, () => signUp(base)));

    expect(statuses(answers)).toEqual({ 201: 10, 429: 30 });
    const refused = answers.find((answer) => answer.status === 429);
    expect(await errorCode(refused as Response)).toBe('sign_ups_limited');
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await storage.accounts.listUsers()).toHaveLength(10);
  });

  it('LIMIT-10 lets 30 accounts be created a minute in all, from however many addresses', async () => {
    const { base } = await serve({ TRUST_PROXY: '1' });

    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => signUp(base, freshEmail(), `198.51.100.${i}`)),
    );

    expect(statuses(answers)).toEqual({ 201: 30, 429: 10 });
  });

  it('LIMIT-13 takes every limit from the environment', async () => {
    const { base } = await serve({ SIGN_UPS_PER_ADDRESS_PER_HOUR: '3' });

    const answers = await Promise.all(Array.from({ length: 5 }, () => signUp(base)));

    expect(statuses(answers)).toEqual({ 201: 3, 429: 2 });
    expect(() => configFromEnv({ SIGN_UPS_PER_MINUTE: '0' })).toThrow(/SIGN_UPS_PER_MINUTE/);
    expect(() => configFromEnv({ POSTS_PER_MINUTE_PER_ADDRESS: 'many' })).toThrow(
      /POSTS_PER_MINUTE_PER_ADDRESS/,
    );
  });

  it('LIMIT-11 limits posts per address too: 7 throwaway accounts on one address post 60 replies a minute, not 70', async () => {
    const { base, storage } = await serve();
    const draftId = 'consulted';
    await seedDraft(storage.drafts, { id: draftId });
    await storage.threads.createThread(
      threadRecord('t1', { draftId }),
      commentRecord('c1', 't1', { draftId }),
    );
    const cookies: string[] = [];
    for (let i = 0; i < 7; i++) cookies.push(cookieFrom(await signUp(base)));

    const answers: Response[] = [];
    for (const cookie of cookies) {
      for (let i = 0; i < 10; i++) {
        answers.push(
          await post(base, `/api/drafts/${draftId}/threads/t1/replies`, { body: `Reply ${i}` }, { cookie }),
        );
      }
    }

    expect(statuses(answers)).toEqual({ 201: 60, 429: 10 });
    expect(await errorCode(answers.at(-1) as Response)).toBe('rate_limited');
  });
});

describe('lockout as a weapon (issue 12, item 7)', () => {
  async function owner(base: string) {
    const email = freshEmail('owner');
    expect((await signUp(base, email, '192.0.2.1')).status).toBe(201);
    return email;
  }

  it('LIMIT-8 lets the owner in with the right password after 10 wrong ones from one other address', async () => {
    const { base } = await serve({ TRUST_PROXY: '1' });
    const email = await owner(base);
    for (let i = 0; i < 10; i++) await signIn(base, email, `guess ${i}`, '203.0.113.66');

    const signedIn = await signIn(base, email, TEST_PASSWORD, '192.0.2.1');

    expect(signedIn.status).toBe(200);
  });

  it('LIMIT-8 lets the owner in from an address with no failures after 30 wrong passwords from 30 addresses', async () => {
    const { base } = await serve({ TRUST_PROXY: '1' });
    const email = await owner(base);
    for (let i = 0; i < 30; i++) {
      expect((await signIn(base, email, `guess ${i}`, `198.51.100.${i}`)).status).toBe(401);
    }

    expect((await signIn(base, email, TEST_PASSWORD, '192.0.2.1')).status).toBe(200);
    expect((await signIn(base, email, TEST_PASSWORD, '192.0.2.2')).status).toBe(200);
  });

  it('LIMIT-6 slows one address down after 5 wrong passwords on an account: the next try must wait, unchecked, and the wait doubles', async () => {
    const { base } = await serve({ TRUST_PROXY: '1' });
    const email = await owner(base);
    const attacker = '203.0.113.66';
    for (let i = 0; i < 5; i++) expect((await signIn(base, email, `guess ${i}`, attacker)).status).toBe(401);

    // Even the right password is not checked while the address must wait.
    const waiting = await signIn(base, email, TEST_PASSWORD, attacker);
    expect(waiting.status).toBe(429);
    expect(await errorCode(waiting)).toBe('slow_down');
    expect(Number(waiting.headers.get('retry-after'))).toBe(1);

    // After the wait, one more try; the next wait is twice as long.
    const sixth = await eventually(async () => {
      const answer = await signIn(base, email, 'guess 6', attacker);
      expect(answer.status).toBe(401);
      return answer;
    }, 3000);
    expect(sixth.status).toBe(401);
    const again = await signIn(base, email, TEST_PASSWORD, attacker);
    expect(again.status).toBe(429);
    expect(Number(again.headers.get('retry-after'))).toBe(2);
  });

  it('LIMIT-6 slows down concurrent guesses too: of 40 at once from one address, 5 are checked', async () => {
    const { base } = await serve({ TRUST_PROXY: '1' });
    const email = await owner(base);

    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => signIn(base, email, `guess ${i}`, '203.0.113.66')),
    );

    expect(statuses(answers)).toEqual({ 401: 5, 429: 35 });
    expect((await signIn(base, email, TEST_PASSWORD, '192.0.2.1')).status).toBe(200);
  });

  it('LIMIT-7 once an account has had 20 wrong passwords, an address that failed on it waits after each failure', async () => {
    const { base } = await serve({ TRUST_PROXY: '1' });
    const email = await owner(base);
    for (let i = 0; i < 20; i++) await signIn(base, email, `guess ${i}`, `198.51.100.${i}`);

    expect((await signIn(base, email, 'another guess', '198.51.100.200')).status).toBe(401);
    const slowed = await signIn(base, email, 'and another', '198.51.100.200');

    expect(slowed.status).toBe(429);
    expect(await errorCode(slowed)).toBe('slow_down');
    expect((await signIn(base, email, TEST_PASSWORD, '192.0.2.1')).status).toBe(200);
  });
});

describe('the import command (issue 12, item 9)', () => {
  const repoRoot = path.resolve(import.meta.dirname, '../..');

  function importDraft(file: string, dataDir: string, id: string) {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'server/src/cli/importDraft.ts', file, '--id', id],
      {
        cwd: repoRoot,
        env: { ...process.env, DATA_DIR: dataDir },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    return runToExit(child);
  }

  it('LIMIT-16 refuses an --id longer than the API’s 100 characters, naming the rule, and takes one of 100', async () => {
    const dataDir = tempDir();
    const file = path.join(tempDir('margins-md-'), 'plan.md');
    writeFileSync(file, '# Plan\n\nText.\n');

    const tooLong = await importDraft(file, dataDir, 'a'.repeat(200));
    expect(tooLong.code).toBe(1);
    expect(tooLong.output).toContain('--id: a draft id is at most 100 characters');

    const longest = await importDraft(file, dataDir, 'a'.repeat(100));
    expect(longest.output).toContain(`as draft ${'a'.repeat(100)}`);
    expect(longest.code).toBe(0);
  });
});
