import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, test as base } from '@playwright/test';
import { type ServerProcess, spawnServer } from '../../server/test/support/serverProcess.ts';
import { makeTempFolder, removeFolder } from '../../server/test/support/tempFolders.ts';
import { DraftPageObject } from './draftPage.ts';

/** A small draft written for the tests (tests never read drafts/). */
export const FIXTURE_MARKDOWN = `---
title: "Fixture Strategy"
language: en
---

# Fixture Strategy

An opening paragraph with *emphasis*, **strength** and a [link](https://example.org/charter).

## Vision

We want open, accountable institutions.

> Nothing about us without us.

## Focus areas

- Anti-corruption
- Digital governance

1. First commitment
2. Second commitment

## How to take part

Comment on any passage before the end of February.
`;

export const ADMIN = { email: 'ada@example.org', password: 'admin-password-123', name: 'Administrator' };
export const PASSWORD = 'a-long-enough-password';

export interface Actor {
  name: string;
  email: string;
  context: BrowserContext;
  draft: DraftPageObject;
}

type ServerHandle = ServerProcess & { dataDir: string; draftId: string; restart(): Promise<void> };

interface Fixtures {
  /**
   * A real server on its own data directory, with one fixture draft and an admin account; its
   * folders are removed once the test is done with it.
   */
  server: ServerHandle;
  /** Alice, a stakeholder (signed up by herself), in her own browser context. */
  alice: Actor;
  /** Tom, of the task force (joined through an invite), in his own browser context. */
  tom: Actor;
  /** Tina, also of the task force. */
  tina: Actor;
  /** Ada, the admin created at first start. */
  ada: Actor;
  /** Someone who is not signed in. */
  visitor: Actor;
}

let counter = 0;

async function newActor(browser: Browser, server: ServerHandle, name: string, email: string): Promise<Actor> {
  const context = await browser.newContext({ baseURL: server.url, locale: 'en-GB' });
  const page = await context.newPage();
  return { name, email, context, draft: new DraftPageObject(page, server.draftId) };
}

/** Signs `actor` in through the API, which shares its cookie with the actor's browser context. */
async function signIn(actor: Actor, password: string): Promise<void> {
  const response = await actor.context.request.post('/api/auth/login', {
    data: { email: actor.email, password },
  });
  if (!response.ok()) throw new Error(`sign-in of ${actor.email} failed: ${await response.text()}`);
}

/** Creates a task-force account the way it happens for real: an admin's invite, accepted. */
async function joinTaskForce(browser: Browser, server: ServerHandle, actor: Actor): Promise<void> {
  const admin = await browser.newContext({ baseURL: server.url });
  await admin.request.post('/api/auth/login', { data: { email: ADMIN.email, password: ADMIN.password } });
  const invite = await admin.request.post('/api/admin/invites', { data: { role: 'taskforce' } });
  const { path: invitePath } = (await invite.json()) as { path: string };
  await admin.close();
  const token = invitePath.split('/').pop();
  const accepted = await actor.context.request.post(`/api/invites/${token}/accept`, {
    data: { name: actor.name, email: actor.email, password: PASSWORD },
  });
  if (!accepted.ok()) throw new Error(`invite for ${actor.email} failed: ${await accepted.text()}`);
}

export const test = base.extend<Fixtures>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads fixture dependencies from this pattern.
  server: async ({}, use, testInfo) => {
    const draftId = `fixture-${testInfo.workerIndex}-${++counter}-${Date.now().toString(36)}`;
    const draftsDir = makeTempFolder('margins-e2e-drafts-');
    writeFileSync(path.join(draftsDir, `${draftId}.md`), FIXTURE_MARKDOWN);
    const dataDir = makeTempFolder('margins-e2e-data-');
    const env = { MARGINS_ADMIN_EMAIL: ADMIN.email, MARGINS_ADMIN_PASSWORD: ADMIN.password };
    let current = await spawnServer({ dataDir, draftsDir, env, compiled: true });
    const port = current.port;
    const handle: ServerHandle = {
      get url() {
        return current.url;
      },
      get port() {
        return current.port;
      },
      get process() {
        return current.process;
      },
      output: () => current.output(),
      stop: (signal?: NodeJS.Signals) => current.stop(signal),
      dataDir,
      draftId,
      restart: async () => {
        await current.stop('SIGTERM');
        current = await spawnServer({ dataDir, draftsDir, port, env, compiled: true });
      },
    };
    await use(handle);
    // Playwright runs this teardown whether the test passed or not.
    await current.stop('SIGTERM');
    await Promise.all([removeFolder(dataDir), removeFolder(draftsDir)]);
  },
  alice: async ({ browser, server }, use) => {
    const actor = await newActor(browser, server, 'Alice Martin', 'alice@example.org');
    const response = await actor.context.request.post('/api/auth/register', {
      data: {
        name: actor.name,
        email: actor.email,
        password: PASSWORD,
        organisation: 'Open Data Collective',
        sector: 'civil-society',
      },
    });
    if (!response.ok()) throw new Error(`sign-up failed: ${await response.text()}`);
    await use(actor);
    await actor.context.close();
  },
  tom: async ({ browser, server }, use) => {
    const actor = await newActor(browser, server, 'Tom Okafor', 'tom@example.org');
    await joinTaskForce(browser, server, actor);
    await use(actor);
    await actor.context.close();
  },
  tina: async ({ browser, server }, use) => {
    const actor = await newActor(browser, server, 'Tina Ruiz', 'tina@example.org');
    await joinTaskForce(browser, server, actor);
    await use(actor);
    await actor.context.close();
  },
  ada: async ({ browser, server }, use) => {
    const actor = await newActor(browser, server, ADMIN.name, ADMIN.email);
    await signIn(actor, ADMIN.password);
    await use(actor);
    await actor.context.close();
  },
  visitor: async ({ browser, server }, use) => {
    const actor = await newActor(browser, server, '', '');
    await use(actor);
    await actor.context.close();
  },
});

export { expect } from '@playwright/test';
