import AxeBuilder from '@axe-core/playwright';
import { expect, test } from './support/fixtures.ts';
import { proposed, showSuggestions, struck, suggestionCard, suggestOn } from './support/suggestions.ts';
import { selectWords } from './support/threads.ts';

test.describe('suggested edits', () => {
  test('SUGGEST-1 a stakeholder suggests new wording; both see it inline; the task force accepts it and both see the new text', async ({
    alice,
    tom,
  }) => {
    await alice.draft.open();
    await tom.draft.open();

    await suggestOn(
      alice.draft.page,
      'accountable institutions',
      'transparent, accountable public bodies',
      'Covers agencies as well as ministries.',
    );
    for (const page of [alice.draft.page, tom.draft.page]) {
      await expect(struck(page)).toHaveText('accountable institutions', { timeout: 2000 });
      await expect(proposed(page)).toHaveText('transparent, accountable public bodies');
      await expect(proposed(page)).toHaveAttribute(
        'title',
        'Suggested by Alice Martin (Open Data Collective)',
      );
    }

    await showSuggestions(tom.draft.page);
    const card = suggestionCard(tom.draft.page, 'Covers agencies');
    await expect(card).toContainText('Alice Martin');
    await expect(card.locator('del').last()).toHaveText(/institutions/);
    await expect(card.locator('ins').first()).toContainText(/transparent/);
    await card.getByRole('button', { name: 'Accept' }).click();
    await card.getByLabel('Rationale (optional, shown to everyone)').fill('Agreed: broader scope.');
    await card.getByRole('button', { name: 'Accept' }).click();

    for (const { draft } of [alice, tom]) {
      await expect(draft.paragraph('We want open')).toHaveText(
        'We want open, transparent, accountable public bodies.',
      );
      await expect(struck(draft.page)).toHaveCount(0);
    }
    await showSuggestions(alice.draft.page);
    await alice.draft.page.getByLabel('Which suggestions').selectOption('decided');
    const decided = suggestionCard(alice.draft.page, 'Covers agencies');
    await expect(decided).toContainText('Accepted');
    await expect(decided.getByTestId('decision')).toContainText('Accepted by Tom Okafor');
    await expect(decided.getByTestId('decision')).toContainText('Agreed: broader scope.');

    // The task force can take it back: the previous wording returns for everyone.
    await tom.draft.page.getByLabel('Which suggestions').selectOption('all');
    await suggestionCard(tom.draft.page, 'Covers agencies').getByRole('button', { name: 'Revert' }).click();
    await suggestionCard(tom.draft.page, 'Covers agencies').getByRole('button', { name: 'Revert' }).click();
    await expect(alice.draft.paragraph('We want open')).toHaveText('We want open, accountable institutions.');
    await expect(suggestionCard(alice.draft.page, 'Covers agencies')).toContainText('Reverted by Tom Okafor');
  });

  test('SUGGEST-2 a suggestion rejected with a reason shows that reason on the stakeholder’s card, and the text is unchanged', async ({
    alice,
    tom,
  }) => {
    await alice.draft.open();
    await tom.draft.open();
    await suggestOn(alice.draft.page, 'the end of February', 'the end of March', 'More time for villages.');
    await expect(struck(tom.draft.page)).toHaveText('the end of February', { timeout: 2000 });

    await showSuggestions(tom.draft.page);
    const card = suggestionCard(tom.draft.page, 'More time for villages.');
    await card.getByRole('button', { name: 'Reject' }).click();
    const submit = card.getByRole('button', { name: 'Reject' });
    await expect(submit).toBeDisabled();
    await card.getByLabel(/Why is it rejected/).fill('The closing date is set in the partnership agreement.');
    await submit.click();

    await expect(struck(alice.draft.page)).toHaveCount(0);
    await expect(alice.draft.paragraph('Comment on any passage')).toContainText(
      'before the end of February.',
    );
    await showSuggestions(alice.draft.page);
    await alice.draft.page.getByLabel('Which suggestions').selectOption('decided');
    const mine = suggestionCard(alice.draft.page, 'More time for villages.');
    await expect(mine).toContainText('Rejected by Tom Okafor');
    await expect(mine).toContainText('The closing date is set in the partnership agreement.');
  });

  test('the draft page with suggestions has no serious accessibility violations', async ({ alice }) => {
    await alice.draft.open();
    await suggestOn(alice.draft.page, 'Second commitment', 'Second, binding commitment');
    await expect(proposed(alice.draft.page)).toBeVisible();
    await expect(suggestionCard(alice.draft.page, 'Alice Martin')).toBeVisible();
    const results = await new AxeBuilder({ page: alice.draft.page }).analyze();
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });
});

test.describe('suggesting mode', () => {
  test('typing over selected words in suggesting mode proposes them as a suggestion instead of changing the text', async ({
    alice,
    tom,
  }) => {
    await alice.draft.open();
    await tom.draft.open();
    const page = tom.draft.page;
    await page.getByRole('button', { name: 'Suggesting' }).click();
    await expect(page.getByRole('button', { name: 'Suggesting' })).toHaveAttribute('aria-pressed', 'true');

    // Tom may edit, yet in suggesting mode his typing becomes a proposal.
    await selectWords(page, 'Second commitment');
    await page.keyboard.type('A');
    const field = page.getByRole('textbox', { name: 'Your wording' });
    await expect(field).toBeFocused();
    await page.keyboard.type(' binding second commitment');
    await expect(field).toHaveValue('A binding second commitment');
    await page.getByRole('button', { name: 'Post suggestion' }).click();

    for (const p of [page, alice.draft.page]) {
      await expect(struck(p)).toHaveText('Second commitment');
      await expect(proposed(p)).toHaveText('A binding second commitment');
    }
    await expect(tom.draft.editor.locator('li', { hasText: 'Second commitment' })).toHaveText(
      /^Second commitment/,
    );

    // Deleting a selection proposes its deletion.
    await selectWords(page, 'Anti-corruption');
    await page.keyboard.press('Backspace');
    await expect(page.getByRole('textbox', { name: 'Your wording' })).toHaveValue('');
    await expect(page.getByText('The field is empty: this suggests deleting the passage.')).toBeVisible();

    // A stakeholder, whose text is read-only, types at a caret: an insertion is proposed there.
    const her = alice.draft.page;
    await her.getByRole('button', { name: 'Suggesting' }).click();
    await alice.draft.paragraph('We want open').click();
    await her.keyboard.press('End');
    await her.keyboard.type(' N');
    const insert = her.getByRole('textbox', { name: 'Words to insert' });
    await expect(insert).toBeFocused();
    await her.keyboard.type('ow.');
    await expect(insert).toHaveValue(' Now.');
  });
});

test('a stakeholder, whose text is read-only, uses the keyboard shortcuts to comment and to suggest an insertion', async ({
  alice,
}) => {
  await alice.draft.open();
  const page = alice.draft.page;
  await selectWords(page, 'accountable institutions');
  await page.keyboard.press('Control+Alt+M');
  const comment = page.getByRole('textbox', { name: 'New comment on the selected passage' });
  await expect(comment).toBeFocused();
  // The toolbar over the selection steps aside while the comment is written.
  await expect(page.getByRole('button', { name: /^Suggest an edit/ })).toBeHidden();
  // She writes in French on the English draft, and says so.
  await comment.fill('Que veut dire « accountable » ici ?');
  await page.getByLabel('Written in').selectOption('fr');
  await page.getByRole('button', { name: 'Post comment' }).click();
  await expect(page.getByTestId('thread-card').locator('li[lang="fr"]')).toContainText('Que veut dire');

  await alice.draft.paragraph('Comment on any passage').click();
  await page.keyboard.press('Control+Alt+S');
  const field = page.getByRole('textbox', { name: 'Words to insert' });
  await expect(field).toBeFocused();
  await field.fill('and by post');
  await page.getByRole('button', { name: 'Post suggestion' }).click();
  await expect(proposed(page)).toHaveText('and by post');

  // Withdrawing asks once more, then the suggestion leaves the text.
  const card = suggestionCard(page, 'and by post');
  await card.getByRole('button', { name: 'Withdraw' }).click();
  await card.getByRole('button', { name: 'Yes, withdraw it' }).click();
  await expect(proposed(page)).toHaveCount(0);
});
