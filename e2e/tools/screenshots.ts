// `npm run screenshots`: starts Margins on a scratch copy of drafts/, opens the sample draft as a
// stakeholder while a task-force member edits, and saves desktop and phone screenshots of each
// page in each UI language to docs/screenshots/, so a person can look at what the app shows.
// Not a test.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from '@playwright/test';
import { spawnServer } from '../../server/test/support/serverProcess.ts';
import config from '../playwright.config.ts';
import { commentOn } from '../support/threads.ts';

/** Selects `words` with the mouse, as a person would: pressed at their start, released at their end. */
async function dragOver(page: Page, words: string) {
  // Scrolled there first (the page may scroll smoothly), measured once it has settled.
  await page.evaluate((target) => {
    for (const p of document.querySelectorAll('.editor .prose p')) {
      if (p.textContent?.includes(target)) p.scrollIntoView({ block: 'center' });
    }
  }, words);
  await page.waitForTimeout(600);
  const box = await page.evaluate((target) => {
    const root = document.querySelector('.editor .prose');
    const walker = root && document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker?.nextNode(); node; node = walker?.nextNode()) {
      const at = node.textContent?.indexOf(target) ?? -1;
      if (at < 0) continue;
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + target.length);
      const rects = range.getClientRects();
      const first = rects[0];
      const last = rects[rects.length - 1];
      if (!first || !last) return undefined;
      return {
        x1: first.left + 1,
        y1: first.top + first.height / 2,
        x2: last.right - 1,
        y2: last.top + last.height / 2,
      };
    }
    return undefined;
  }, words);
  if (!box) throw new Error(`"${words}" is not in the draft`);
  await page.mouse.move(box.x1, box.y1);
  await page.mouse.down();
  await page.mouse.move(box.x2, box.y2, { steps: 8 });
  await page.mouse.up();
}

/** Suggests through the toolbar over a selection made with the mouse. */
async function suggestOn(page: Page, words: string, replacement: string, why: string) {
  await dragOver(page, words);
  await page.getByRole('button', { name: /^Suggest an edit/ }).click();
  await page.getByRole('textbox', { name: 'Your wording' }).fill(replacement);
  await page.getByRole('textbox', { name: 'Why (optional)' }).fill(why);
  await page.getByRole('button', { name: 'Post suggestion' }).click();
}

const root = path.resolve(import.meta.dirname, '../..');
// SCREENSHOTS_DIR writes elsewhere (to look without touching the committed ones).
const outDir = path.resolve(process.env.SCREENSHOTS_DIR ?? path.join(root, 'docs/screenshots'));
const draftId = 'open-government-strategy-2027-2031';
const admin = { email: 'admin@example.org', password: 'screenshots-admin' };
const password = 'screenshots-password';
mkdirSync(outDir, { recursive: true });

// A fresh data directory of its own, removed when the server stops.
const server = await spawnServer({
  compiled: true,
  draftsDir: path.join(root, 'drafts'),
  env: { MARGINS_ADMIN_EMAIL: admin.email, MARGINS_ADMIN_PASSWORD: admin.password },
});
const browser: Browser = await chromium.launch(config.use?.launchOptions);
const viewports = { desktop: { width: 1440, height: 900 }, phone: { width: 390, height: 844 } };

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

async function page(
  language: string,
  viewport: { width: number; height: number },
  storageState?: StorageState,
): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: language, baseURL: server.url, storageState });
  return context.newPage();
}

async function get<T>(p: Page, url: string): Promise<T> {
  const response = await p.context().request.get(url);
  if (!response.ok()) throw new Error(`${url}: ${await response.text()}`);
  return response.json() as Promise<T>;
}

async function post(p: Page, url: string, data: unknown) {
  const response = await p.context().request.post(url, { data });
  if (!response.ok()) throw new Error(`${url}: ${await response.text()}`);
  return response.json() as Promise<Record<string, unknown>>;
}

async function shoot(p: Page, file: string, fullPage = false) {
  await p.screenshot({ path: path.join(outDir, file), fullPage });
  console.log(`wrote ${path.relative(root, path.join(outDir, file))}`);
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

      // The version the draft was opened for consultation with, to compare later changes with.
      if (n === 1) await post(tom, `/api/drafts/${draftId}/versions`, { name: 'Draft for consultation' });

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
      await amina.evaluate(() => window.scrollTo(0, 0));
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
  await shootRecords();
} finally {
  await browser.close();
  await server.stop();
}

/**
 * The draft's records once the task force has answered: one suggestion accepted, one rejected,
 * the comment resolved; then the history, a comparison with the published version, the report
 * and the first stakeholder's contributions, in each size and language.
 */
async function shootRecords() {
  const signedIn = async (email: string) => {
    const p = await page('en', viewports.desktop);
    await post(p, '/api/auth/login', { email, password });
    return p;
  };
  const tom = await signedIn('tom1@example.org');
  const amina = await signedIn('amina1@example.org');
  const suggestions = await get<{ id: string; text: string }[]>(tom, `/api/drafts/${draftId}/suggestions`);
  for (const suggestion of suggestions) {
    if (suggestion.text.includes('every change will be explained')) {
      await post(tom, `/api/drafts/${draftId}/suggestions/${suggestion.id}/accept`, {
        rationale: 'Agreed: the final text will come with a table of what changed and why.',
      });
    } else {
      await post(tom, `/api/drafts/${draftId}/suggestions/${suggestion.id}/reject`, {
        rationale:
          'The mid-term review found that two of these programmes were abandoned; the wording stays.',
      });
    }
  }
  const threads = await get<{ id: string }[]>(tom, `/api/drafts/${draftId}/threads`);
  for (const thread of threads) {
    await post(tom, `/api/drafts/${draftId}/threads/${thread.id}/resolve`, {
      note: 'Yes: see the new paragraph on how we answer every contribution.',
    });
  }
  const [version] = await get<{ id: string }[]>(tom, `/api/drafts/${draftId}/versions`);
  const states = { tom: await tom.context().storageState(), amina: await amina.context().storageState() };
  for (const p of [tom, amina]) await p.context().close();

  for (const [size, viewport] of Object.entries(viewports)) {
    for (const language of ['en', 'fr', 'es']) {
      const chair = await page(language, viewport, states.tom);
      await chair.goto(`/d/${draftId}/versions?from=${version?.id}&to=current`);
      await chair.locator('.diff-block-changed').first().waitFor();
      await shoot(chair, `versions-${size}-${language}.png`, true);
      await chair.context().close();

      const reader = await page(language, viewport, states.amina);
      await reader.goto(`/d/${draftId}/history`);
      await reader.getByTestId('log-entry').first().waitFor();
      await shoot(reader, `history-${size}-${language}.png`, true);
      await reader.goto(`/d/${draftId}/report`);
      await reader.locator('.figure').first().waitFor();
      await shoot(reader, `report-${size}-${language}.png`, true);
      if (size === 'desktop' && language === 'en') {
        // What "Print" gives: no site header or links, black on white.
        await reader.emulateMedia({ media: 'print' });
        await shoot(reader, 'report-print-en.png', true);
        await reader.emulateMedia({ media: 'screen' });
      }
      await reader.goto('/me/contributions');
      await reader.getByTestId('contribution').first().waitFor();
      await shoot(reader, `contributions-${size}-${language}.png`, true);
      await reader.goto(`/d/${draftId}`);
      await reader.getByTestId('export-menu').locator('summary').click();
      await shoot(reader, `export-${size}-${language}.png`);
      await reader.context().close();
    }
  }
}
