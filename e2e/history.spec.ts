import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { makeTempFolder, removeFolder } from '../server/test/support/tempFolders.ts';
import { expect, test } from './support/fixtures.ts';
import { showSuggestions, struck, suggestionCard, suggestOn } from './support/suggestions.ts';
import { commentOn, threadCard } from './support/threads.ts';

/** The links under a draft's name: History, Versions, Report, Export. */
function recordLinks(page: Page) {
  return page.getByRole('navigation', { name: 'About this draft' });
}

test.describe('change log, versions and the report', () => {
  test('a version compared with now shows an accepted suggestion’s words; the history and the stakeholder’s contributions show the decision and its rationale', async ({
    alice,
    tom,
  }) => {
    const page = tom.draft.page;
    await tom.draft.open();
    await recordLinks(page).getByRole('link', { name: 'Versions' }).click();
    await page.getByLabel('Name of the version').fill('Draft for consultation');
    await page.getByRole('button', { name: 'Publish version' }).click();
    const version = page.getByTestId('version').filter({ hasText: 'Draft for consultation' });
    await expect(version).toContainText('Published by Tom Okafor');

    await alice.draft.open();
    await suggestOn(
      alice.draft.page,
      'accountable institutions',
      'transparent, accountable public bodies',
      'Covers agencies as well as ministries.',
    );
    await tom.draft.open();
    await expect(struck(page)).toHaveText('accountable institutions');
    await showSuggestions(page);
    const card = suggestionCard(page, 'Covers agencies');
    await card.getByRole('button', { name: 'Accept' }).click();
    await card.getByLabel('Rationale (optional, shown to everyone)').fill('Agreed: broader scope.');
    await card.getByRole('button', { name: 'Accept' }).click();
    await expect(tom.draft.paragraph('We want open')).toHaveText(
      'We want open, transparent, accountable public bodies.',
    );

    // The version against the text as it is now: the changed words marked in place.
    await recordLinks(page).getByRole('link', { name: 'Versions' }).click();
    await page
      .getByRole('combobox', { name: 'From', exact: true })
      .selectOption({ label: 'Draft for consultation' });
    await page
      .getByRole('combobox', { name: 'To', exact: true })
      .selectOption({ label: 'Now (current text)' });
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    const text = page.getByRole('article', { name: 'The text with its changes' });
    const changed = text.locator('[data-kind="changed"]');
    await expect(changed).toHaveCount(1);
    await expect(changed.locator('del')).toContainText(['institutions']);
    await expect(changed.locator('ins', { hasText: 'transparent' })).toHaveCount(1);
    await expect(changed.locator('ins', { hasText: 'public bodies' })).toHaveCount(1);
    await expect(text.locator('h3')).toHaveText('Fixture Strategy');
    await expect(page.getByTestId('comparison').getByTestId('log-entry')).toHaveText([
      /Suggestion accepted/,
      /Edit suggested/,
    ]);

    // The history: the accepted suggestion, its words before and after, and why.
    await recordLinks(page).getByRole('link', { name: 'History' }).click();
    const accepted = page.locator('[data-type="suggestion.accepted"]');
    await expect(accepted).toContainText('Tom Okafor');
    await expect(accepted).toContainText('Vision');
    await expect(accepted.locator('del')).toContainText(['institutions']);
    await expect(accepted.locator('ins', { hasText: 'public bodies' })).toHaveCount(1);
    await expect(accepted).toContainText('Rationale: Agreed: broader scope.');
    await expect(accepted.getByRole('link', { name: 'See the suggestion' })).toHaveAttribute(
      'href',
      /#suggestion-/,
    );
    await page
      .getByRole('combobox', { name: 'What', exact: true })
      .selectOption({ label: 'Version published' });
    await expect(page.getByTestId('log-entry')).toHaveCount(1);
    await expect(page.getByTestId('log-entry')).toContainText('Published as “Draft for consultation”');
    await page.getByRole('combobox', { name: 'Who', exact: true }).selectOption({ label: 'Alice Martin' });
    await expect(page.getByTestId('log-entry')).toHaveCount(0);
    await page.getByRole('combobox', { name: 'What', exact: true }).selectOption({ label: 'Everything' });
    await expect(page.getByTestId('log-entry')).toHaveText([/Edit suggested/]);

    // Alice reads what became of her suggestion.
    await alice.draft.page
      .getByRole('navigation', { name: 'Account' })
      .getByRole('link', { name: 'My contributions' })
      .click();
    const mine = alice.draft.page.getByTestId('contribution');
    await expect(mine).toHaveCount(1);
    await expect(mine).toContainText('Suggested edit');
    await expect(mine).toContainText('Vision');
    await expect(mine.getByTestId('decision')).toContainText('Accepted by Tom Okafor');
    await expect(mine.getByTestId('decision')).toContainText('Agreed: broader scope.');
    await mine.getByRole('link', { name: 'See it in the draft' }).click();
    await expect(suggestionCard(alice.draft.page, 'Covers agencies')).toBeVisible();
  });

  test('the report counts who took part and what became of their input, prints without the site’s header, and has no serious accessibility violations', async ({
    alice,
    tom,
    server,
  }) => {
    await alice.draft.open();
    await commentOn(alice.draft.page, 'Nothing about us without us.', 'Who is “us” here?');
    await expect(threadCard(alice.draft.page, 'Who is “us” here?')).toBeVisible();
    await suggestOn(alice.draft.page, 'the end of February', 'the end of March', 'More time.');
    await expect(struck(alice.draft.page)).toHaveText('the end of February');
    // Tom's reply answers Alice: it is counted apart, not as a second participant.
    await tom.draft.open();
    const thread = threadCard(tom.draft.page, 'Who is “us” here?');
    await thread.getByRole('textbox', { name: 'Reply' }).fill('Everyone the strategy concerns.');
    await thread.getByRole('button', { name: 'Reply' }).click();
    await expect(thread).toContainText('Everyone the strategy concerns.');

    const page = tom.draft.page;
    await page.goto(`/d/${server.draftId}/report`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('What we heard');
    const figures = page.locator('.figure');
    await expect(figures).toHaveText([
      '1 participant',
      '1 comment thread',
      '1 comment or reply',
      '1 suggested edit',
      '1 reply from the task force',
    ]);
    const sectors = page.getByRole('list', { name: 'Participants by sector' });
    await expect(sectors.getByRole('listitem')).toHaveText(['Civil society:1']);
    await expect(
      page.getByRole('list', { name: 'Participants by country' }).getByRole('listitem'),
    ).toHaveText(['Not given:1']);
    const sections = page.getByRole('table');
    await expect(sections.getByRole('row', { name: /How to take part/ })).toHaveText(
      ['How to take part', '0', '0', '1', '1', '0', '0'].join(''),
    );
    await expect(page.getByRole('button', { name: 'Print' })).toBeVisible();

    const results = await new AxeBuilder({ page }).analyze();
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);

    await page.emulateMedia({ media: 'print' });
    await expect(page.locator('.site-header')).toBeHidden();
    await expect(page.getByRole('button', { name: 'Print' })).toBeHidden();
    await expect(page.getByRole('heading', { name: 'Section by section' })).toBeVisible();
  });

  test('the export menu offers the draft, the change log, the responses and the annotations for download', async ({
    visitor,
    server,
  }) => {
    await visitor.draft.open();
    const menu = visitor.draft.page.getByTestId('export-menu');
    await menu.getByText('Export').click();
    const links = menu.getByRole('link');
    await expect(links).toHaveCount(8);
    const base = `/api/drafts/${server.draftId}/export/`;
    await expect(menu.getByRole('list', { name: 'The change log' }).getByRole('link')).toHaveText([
      'JSON (verifiable)changelog.json',
      'Spreadsheet (CSV)changelog.csv',
    ]);
    for (const file of ['draft.md', 'draft.docx', 'responses.csv', 'annotations.jsonld']) {
      await expect(menu.locator(`a[href="${base}${file}"]`)).toHaveAttribute('download', '');
    }
    // Downloading from the menu gives the file itself.
    const [markdown] = await Promise.all([
      visitor.draft.page.waitForEvent('download'),
      menu.locator(`a[href="${base}draft.md"]`).click(),
    ]);
    expect(markdown.suggestedFilename()).toBe(`${server.draftId}-draft.md`);
    const text = await readFile((await markdown.path()) ?? '', 'utf8');
    expect(text).toContain('We want open, accountable institutions.');
    const logLink = menu.locator(`a[href="${base}changelog.json"]`);
    if (!(await logLink.isVisible())) await menu.getByText('Export').click();
    const [log] = await Promise.all([visitor.draft.page.waitForEvent('download'), logLink.click()]);
    const exported = JSON.parse(await readFile((await log.path()) ?? '', 'utf8'));
    expect(exported).toMatchObject({ format: 'margins-changelog', draftId: server.draftId });
    await visitor.draft.page.keyboard.press('Escape');
    await expect(links.first()).toBeHidden();

    // A visitor has no contributions to list: they are asked to sign in.
    await visitor.draft.page.goto('/me/contributions');
    await expect(visitor.draft.page.getByTestId('contributions-sign-in')).toContainText(
      'Sign in to see your comments and suggestions',
    );
  });
  test('CHAIN-3 History offers the change log and the verifier under the names its command uses, and the command says OK', async ({
    visitor,
    server,
  }) => {
    const page = visitor.draft.page;
    await page.goto(`/d/${server.draftId}/history`);
    const integrity = page.getByRole('complementary', { name: 'Can this record be trusted?' });
    const command = `node verify-log.mjs ${server.draftId}-changelog.json`;
    await expect(integrity.locator('code')).toHaveText(command);

    // Downloaded into a folder of their own, as a member of the public would, and run there.
    const folder = makeTempFolder('margins-e2e-verify-');
    try {
      for (const name of ['Download the change log (JSON)', 'Download the verifier (verify-log.mjs)']) {
        const [download] = await Promise.all([
          page.waitForEvent('download'),
          integrity.getByRole('link', { name }).click(),
        ]);
        await download.saveAs(path.join(folder, download.suggestedFilename()));
      }
      // The command as shown, `node` being the Node.js running these tests.
      const output = execFileSync(process.execPath, command.split(' ').slice(1), {
        cwd: folder,
        env: { PATH: process.env.PATH },
        encoding: 'utf8',
      });
      expect(output).toMatch(/^OK: \d+ entr(y|ies), chain intact/);
    } finally {
      await removeFolder(folder);
    }
  });
});
