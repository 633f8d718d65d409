// `npm run screenshots`: starts Margins on a scratch copy of drafts/, opens the sample draft as two
// people, and saves desktop and phone screenshots in each UI language to docs/screenshots/, so a
// person can look at what the app shows. Not a test.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { spawnServer, tempDir } from '../../server/test/support/serverProcess.ts';
import config from '../playwright.config.ts';

const root = path.resolve(import.meta.dirname, '../..');
const outDir = path.join(root, 'docs/screenshots');
const draftId = 'open-government-strategy-2027-2031';
mkdirSync(outDir, { recursive: true });

const server = await spawnServer({ dataDir: tempDir(), draftsDir: path.join(root, 'drafts') });
const browser = await chromium.launch(config.use?.launchOptions);
const viewports = { desktop: { width: 1440, height: 900 }, phone: { width: 390, height: 844 } };

async function openAs(
  name: string,
  color: string,
  language: string,
  viewport: { width: number; height: number },
) {
  const context = await browser.newContext({ viewport, locale: language, baseURL: server.url });
  await context.addInitScript(
    ([userName, userColor]) =>
      localStorage.setItem('margins.user', JSON.stringify({ name: userName, color: userColor })),
    [name, color],
  );
  return context.newPage();
}

async function shoot(page: Page, file: string) {
  await page.screenshot({ path: path.join(outDir, file) });
  console.log(`wrote docs/screenshots/${file}`);
}

try {
  for (const [size, viewport] of Object.entries(viewports)) {
    for (const language of ['en', 'fr', 'es']) {
      const amina = await openAs('Amina Diallo', '#6941c6', language, viewport);
      await amina.goto('/');
      await amina.locator('.draft-card').first().waitFor();
      await shoot(amina, `list-${size}-${language}.png`);

      await amina.goto(`/d/${draftId}`);
      await amina.locator('.prose h1').waitFor();
      const tom = await openAs('Tom Okafor', '#067647', language, viewport);
      await tom.goto(`/d/${draftId}`);
      await tom.locator('.prose p').nth(1).click();
      await amina.locator('.collaboration-carets__label').first().waitFor();
      await shoot(amina, `draft-${size}-${language}.png`);
      await amina.context().close();
      await tom.context().close();
    }
  }
} finally {
  await browser.close();
  await server.stop();
}
