import { expect, test } from './support/fixtures.ts';

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
