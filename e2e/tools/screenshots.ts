// `npm run screenshots`: starts Margins on a scratch copy of drafts/, opens the sample draft as a
// stakeholder while a task-force member edits, and saves desktop and phone screenshots of each
// page in each UI language to docs/screenshots/, so a person can look at what the app shows.
// Not a test.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from '@playwright/test';
import { spawnServer, tempDir } from '../../server/test/support/serverProcess.ts';
import config from '../playwright.config.ts';
import { suggestOn } from '../support/suggestions.ts';
import { commentOn } from '../support/threads.ts';

const root = path.resolve(import.meta.dirname, '../..');
const outDir = path.join(root, 'docs/screenshots');
const draftId = 'open-government-strategy-2027-2031';
const admin = { email: 'admin@example.org', password: 'screenshots-admin' };
const password = 'screenshots-password';
mkdirSync(outDir, { recursive: true });

const server = await spawnServer({
  dataDir: tempDir(),
  draftsDir: path.join(root, 'drafts'),
  env: { MARGINS_ADMIN_EMAIL: admin.email, MARGINS_ADMIN_PASSWORD: admin.password },
});
const browser: Browser = await chromium.launch(config.use?.launchOptions);
const viewports = { desktop: { width: 1440, height: 900 }, phone: { width: 390, height: 844 } };

async function page(language: string, viewport: { width: number; height: number }): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: language, baseURL: server.url });
  return context.newPage();
}

async function post(p: Page, url: string, data: unknown) {
  const response = await p.context().request.post(url, { data });
  if (!response.ok()) throw new Error(`${url}: ${await response.text()}`);
  return response.json() as Promise<Record<string, unknown>>;
}

async function shoot(p: Page, file: string) {
  await p.screenshot({ path: path.join(outDir, file) });
  console.log(`wrote docs/screenshots/${file}`);
}

let n = 0;
try {
  for (const [size, viewport] of Object.entries(viewports)) {
    for (const language of ['en', 'fr', 'es']) {
      n++;
      const visitor = await page(language, viewport);
      await visitor.goto('/');
      await visitor.locator('.draft-card').first().waitFor();
      await shoot(visitor, `list-${size}-${language}.png`);
      await visitor.goto('/signup');
      await shoot(visitor, `signup-${size}-${language}.png`);
      await visitor.context().close();

      const amina = await page(language, viewport);
      await post(amina, '/api/auth/register', {
        name: 'Amina Diallo',
        email: `amina${n}@example.org`,
        password,
        organisation: 'Sahel Budget Watch',
        sector: 'civil-society',
      });
      const boss = await page(language, viewport);
      await post(boss, '/api/auth/login', admin);
      const invite = await post(boss, '/api/admin/invites', { role: 'taskforce' });
      const tom = await page(language, viewport);
      await post(tom, `/api/invites/${String(invite.path).split('/').pop()}/accept`, {
        name: 'Tom Okafor',
        email: `tom${n}@example.org`,
        password,
      });

      await amina.goto(`/d/${draftId}`);
      await amina.locator('.prose h1').waitFor();
      if (n === 1) {
        // One comment thread, made through the interface, for every later screenshot.
        await commentOn(
          amina,
          'Nothing in it is final.',
          'Could the final text say how our comments changed it?',
        );
        await amina.getByTestId('thread-card').first().waitFor();
        // Two competing suggestions on one passage, and one on another.
        await suggestOn(
          amina,
          'revised in light of what we hear',
          'revised in light of what we hear, and every change will be explained',
          'People need to see what became of their input.',
        );
        await suggestOn(
          amina,
          'have stalled or been quietly abandoned',
          'have stalled',
          'Less loaded wording.',
        );
        await amina.getByTestId('suggestion-card').nth(1).waitFor();
      }
      await tom.goto(`/d/${draftId}`);
      await tom.locator('.prose p').nth(1).click();
      await amina.locator('.collaboration-carets__label').first().waitFor();
      await shoot(amina, `draft-${size}-${language}.png`);
      // The task force's view of the suggestions, with their decisions to take.
      await tom.getByRole('tab').nth(1).click();
      await tom.getByTestId('suggestion-card').first().waitFor();
      if (size === 'phone') await tom.getByTestId('suggestion-card').first().scrollIntoViewIfNeeded();
      await shoot(tom, `suggestions-${size}-${language}.png`);

      await boss.goto('/admin');
      await boss.getByRole('table').first().waitFor();
      await shoot(boss, `admin-${size}-${language}.png`);
      for (const p of [amina, boss, tom]) await p.context().close();
    }
  }
} finally {
  await browser.close();
  await server.stop();
}
