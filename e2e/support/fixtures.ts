import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, test as base } from '@playwright/test';
import { type ServerProcess, spawnServer, tempDir } from '../../server/test/support/serverProcess.ts';
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

export interface Actor {
  name: string;
  context: BrowserContext;
  draft: DraftPageObject;
}

interface Fixtures {
  /** A real server on its own data directory, with one fixture draft. */
  server: ServerProcess & { dataDir: string; draftId: string; restart(): Promise<void> };
  /** Alice, a stakeholder, in her own browser context. */
  alice: Actor;
  /** Tom, of the task force, in his own browser context. */
  tom: Actor;
}

let counter = 0;

async function makeActor(browser: Browser, name: string, baseURL: string, draftId: string): Promise<Actor> {
  const context = await browser.newContext({ baseURL, locale: 'en-GB' });
  // Each actor introduces themselves before the app loads, as they would by typing their name.
  await context.addInitScript((userName) => {
    if (!localStorage.getItem('margins.user')) {
      localStorage.setItem('margins.user', JSON.stringify({ name: userName, color: '#175cd3' }));
    }
  }, name);
  const page = await context.newPage();
  return { name, context, draft: new DraftPageObject(page, draftId) };
}

export const test = base.extend<Fixtures>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads fixture dependencies from this pattern.
  server: async ({}, use, testInfo) => {
    const draftId = `fixture-${testInfo.workerIndex}-${++counter}-${Date.now().toString(36)}`;
    const draftsDir = tempDir('margins-e2e-drafts-');
    writeFileSync(path.join(draftsDir, `${draftId}.md`), FIXTURE_MARKDOWN);
    const dataDir = tempDir('margins-e2e-data-');
    let current = await spawnServer({ dataDir, draftsDir });
    const port = current.port;
    const handle = {
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
        current = await spawnServer({ dataDir, draftsDir, port });
      },
    };
    await use(handle);
    await current.stop('SIGTERM');
  },
  alice: async ({ browser, server }, use) => {
    const actor = await makeActor(browser, 'Alice Martin', server.url, server.draftId);
    await use(actor);
    await actor.context.close();
  },
  tom: async ({ browser, server }, use) => {
    const actor = await makeActor(browser, 'Tom Okafor', server.url, server.draftId);
    await use(actor);
    await actor.context.close();
  },
});

export { expect } from '@playwright/test';
