import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures.ts';

/** The live editor's chunk (TipTap, ProseMirror, Yjs), as Vite names it after editor/LiveDraft.tsx. */
const LIVE_CHUNK = /\/assets\/LiveDraft-[^/]*\.js$/;
/** A sentence of the fixture draft. */
const SENTENCE = 'We want open, accountable institutions.';

/** Holds the live editor's chunk back until `release()` is called. */
async function holdLiveChunk(page: Page): Promise<{ release: () => void }> {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.route(LIVE_CHUNK, async (route) => {
    await released;
    await route.continue();
  });
  return { release };
}

// What a first visit downloads and shows while the rest of the client arrives on demand.
test.describe('loading the client on demand', () => {
  test('a French reader opening a draft sees French from the first paint, never English', async ({
    browser,
    server,
  }) => {
    const context = await browser.newContext({ baseURL: server.url, locale: 'fr-FR' });
    const page = await context.newPage();
    // Every frame, from before the app runs, notes the header's tagline whenever it changes.
    // (A string: a function would be compiled with helpers the page does not have.)
    await page.addInitScript(`(() => {
      const seen = [];
      window.__taglines = seen;
      const look = () => {
        const text = document.querySelector('.brand-tagline')?.textContent;
        if (text && seen[seen.length - 1] !== text) seen.push(text);
        requestAnimationFrame(look);
      };
      requestAnimationFrame(look);
    })()`);
    await page.goto(`/d/${server.draftId}`);
    await expect(page.locator('.prose h1')).toHaveText('Fixture Strategy');
    await expect(page.getByRole('navigation', { name: 'Sommaire' })).toBeVisible();
    expect(await page.evaluate('window.__taglines')).toEqual(['Projets ouverts à la consultation']);
    await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
    await context.close();
  });

  test('an English reader opening a draft downloads no other page and no other language', async ({
    visitor: alice,
  }) => {
    const page = alice.draft.page;
    const scripts: string[] = [];
    page.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname);
    });
    await alice.draft.open();
    await expect(alice.draft.editor.locator('h1')).toHaveText('Fixture Strategy');
    const onDemand =
      /\/(AdminPage|HistoryPage|VersionsPage|ReportPage|ContributionsPage|SignInPage|SignUpPage|InvitePage|fr|es)-[^/]*\.js$/;
    expect(scripts.filter((script) => onDemand.test(script))).toEqual([]);
  });

  test('LIVE-6 a visitor reads the draft before the editor’s code arrives, then the live editor takes its place', async ({
    visitor: alice,
  }) => {
    const page = alice.draft.page;
    const { release } = await holdLiveChunk(page);
    await page.goto(`/d/${alice.draft.draftId}`);
    const copy = page.getByTestId('reading-copy');
    await expect(copy.locator('p', { hasText: SENTENCE })).toBeVisible();
    await expect(copy.locator('h1')).toHaveText('Fixture Strategy');
    await expect(alice.draft.outline.getByRole('button')).toHaveText([
      'Fixture Strategy',
      'Vision',
      'Focus areas',
      'How to take part',
    ]);
    await expect(alice.draft.connectionStatus).toHaveAttribute('data-state', 'connecting');
    await expect(page.locator('#content')).toHaveAttribute('aria-busy', 'true');
    // Nothing that could be taken for the editor: no `.prose`, nothing editable, no textbox.
    await expect(alice.draft.editor).toHaveCount(0);
    await expect(page.locator('[contenteditable]')).toHaveCount(0);
    await expect(page.getByRole('textbox', { name: 'Draft text' })).toHaveCount(0);
    const results = await new AxeBuilder({ page }).analyze();
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.help}`)).toEqual([]);

    release();
    await expect(alice.draft.connectionStatus).toHaveAttribute('data-state', 'connected');
    await expect(alice.draft.paragraph(SENTENCE)).toBeVisible();
    await expect(copy).toHaveCount(0);
    await expect(page.getByText(SENTENCE)).toHaveCount(1);
    await expect(page.locator('#content')).toHaveAttribute('aria-busy', 'false');
    await expect(alice.draft.editor.locator('h1')).toHaveText('Fixture Strategy');
  });

  test('LIVE-6 the reader’s place in the text stays where it was when the editor takes over', async ({
    visitor: alice,
  }) => {
    const page = alice.draft.page;
    await page.setViewportSize({ width: 1280, height: 420 });
    const { release } = await holdLiveChunk(page);
    await page.goto(`/d/${alice.draft.draftId}`);
    const inCopy = page.getByTestId('reading-copy').locator('h2', { hasText: 'Focus areas' });
    await inCopy.waitFor();
    // Once the fonts are in: their arrival reflows the text whether or not the editor comes.
    await page.evaluate(async () => {
      await document.fonts.ready;
    });
    await inCopy.evaluate((heading) => heading.scrollIntoView({ block: 'start' }));
    const before = await inCopy.evaluate((heading) => heading.getBoundingClientRect().top);
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(0);

    release();
    const inEditor = alice.draft.editor.locator('h2', { hasText: 'Focus areas' });
    await expect(inEditor).toBeVisible();
    const after = await inEditor.evaluate((heading) => heading.getBoundingClientRect().top);
    expect(Math.abs(after - before)).toBeLessThan(2);
  });

  test('when the editor’s code cannot be downloaded the draft stays readable and the page says so', async ({
    visitor: alice,
  }) => {
    const page = alice.draft.page;
    await page.route(LIVE_CHUNK, (route) => route.abort());
    await page.goto(`/d/${alice.draft.draftId}`);
    await expect(page.getByRole('alert')).toContainText('The live draft could not be loaded');
    await expect(page.getByTestId('reading-copy').locator('p', { hasText: SENTENCE })).toBeVisible();
    await page.unroute(LIVE_CHUNK);
    await page.getByRole('alert').getByRole('button', { name: 'Reload' }).click();
    await expect(alice.draft.paragraph(SENTENCE)).toBeVisible();
  });

  test('a page whose code cannot be downloaded says so and comes back on reload', async ({
    visitor: alice,
  }) => {
    const page = alice.draft.page;
    await page.route(/\/assets\/SignInPage-[^/]*\.js$/, (route) => route.abort());
    await page.goto('/signin');
    const alert = page.getByRole('alert');
    await expect(alert).toContainText('This page could not be loaded');
    // The shell stays: the header and its links still work.
    await expect(page.getByRole('link', { name: /Margins/ })).toBeVisible();
    await page.unroute(/\/assets\/SignInPage-[^/]*\.js$/);
    await alert.getByRole('button', { name: 'Reload' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in');
  });
});
