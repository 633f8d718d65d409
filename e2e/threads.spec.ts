import AxeBuilder from '@axe-core/playwright';
import { expect, test } from './support/fixtures.ts';
import { commentOn, expectHighlighted, highlight, threadCard } from './support/threads.ts';

const SENTENCE = 'We want open, accountable institutions.';

test.describe('anchored comments', () => {
  test('ANCHOR-1 a stakeholder comments; the task force replies, restructures the text, and the comment stays on its words', async ({
    alice,
    tom,
  }) => {
    await alice.draft.open();
    await tom.draft.open();

    await commentOn(alice.draft.page, 'accountable institutions', 'Please define “accountable”.');
    await expectHighlighted(alice.draft.page, 'accountable institutions');
    await expect(threadCard(tom.draft.page, 'Please define')).toBeVisible({ timeout: 2000 });
    await expectHighlighted(tom.draft.page, 'accountable institutions');

    const card = threadCard(tom.draft.page, 'Please define');
    await card.getByRole('textbox', { name: 'Reply' }).fill('We will add a glossary.');
    await card.getByRole('button', { name: 'Reply' }).click();
    await expect(threadCard(alice.draft.page, 'We will add a glossary.')).toBeVisible();

    // Tom types before the sentence, splits the paragraph just before it, and makes it a heading.
    await tom.draft.paragraph(SENTENCE).click();
    await tom.draft.page.keyboard.press('Home');
    await tom.draft.page.keyboard.type('Preamble. ');
    await tom.draft.page.keyboard.press('Enter');
    await tom.draft.page.keyboard.press('Control+Alt+2');
    await expect(tom.draft.editor.locator('h2', { hasText: SENTENCE })).toBeVisible();
    await expect(alice.draft.editor.locator('h2', { hasText: SENTENCE })).toBeVisible();
    await expectHighlighted(tom.draft.page, 'accountable institutions');
    await expectHighlighted(alice.draft.page, 'accountable institutions');

    // Deleting the sentence leaves the thread detached, with its quote.
    const heading = tom.draft.editor.locator('h2', { hasText: SENTENCE });
    await heading.click({ clickCount: 3 });
    await tom.draft.page.keyboard.press('Backspace');
    await expect(highlight(alice.draft.page)).toHaveCount(0);
    const detached = threadCard(alice.draft.page, 'Please define');
    await expect(detached).toContainText('Text removed');
    await expect(detached).toContainText('accountable institutions');

    // Resolve and reopen.
    await threadCard(tom.draft.page, 'Please define').getByRole('button', { name: 'Resolve' }).click();
    await tom.draft.page.getByLabel('Note on how it was handled (optional)').fill('Glossary added.');
    await threadCard(tom.draft.page, 'Please define').getByRole('button', { name: 'Resolve' }).click();
    await expect(threadCard(alice.draft.page, 'Please define')).toHaveCount(0);
    await alice.draft.page.getByLabel('Which comments').selectOption('resolved');
    await expect(threadCard(alice.draft.page, 'Please define')).toContainText('Glossary added.');
    await tom.draft.page.getByLabel('Which comments').selectOption('all');
    await threadCard(tom.draft.page, 'Please define').getByRole('button', { name: 'Reopen' }).click();
    await alice.draft.page.getByLabel('Which comments').selectOption('open');
    await expect(threadCard(alice.draft.page, 'Please define')).toBeVisible();
  });

  test('the draft page with comments has no serious accessibility violations', async ({ alice }) => {
    await alice.draft.open();
    await commentOn(alice.draft.page, 'accountable institutions', 'Accessible comment.');
    await expect(threadCard(alice.draft.page, 'Accessible comment.')).toBeVisible();
    const results = await new AxeBuilder({ page: alice.draft.page }).analyze();
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });

  test('a link to a thread opens the draft with that thread in view', async ({ alice, tom, server }) => {
    await alice.draft.open();
    await commentOn(alice.draft.page, 'Nothing about us without us.', 'Linked comment.');
    const id = await threadCard(alice.draft.page, 'Linked comment.').getAttribute('data-thread-id');
    await tom.draft.page.goto(`/d/${server.draftId}#thread-${id}`);
    await expect(threadCard(tom.draft.page, 'Linked comment.')).toHaveClass(/thread-active/);
    await expect(threadCard(tom.draft.page, 'Linked comment.')).toBeInViewport();
  });

  test('PERM-2 a visitor sees comments but cannot comment', async ({ alice, visitor }) => {
    await alice.draft.open();
    await commentOn(alice.draft.page, 'accountable institutions', 'Visible to everyone.');
    await visitor.draft.open();
    await expect(threadCard(visitor.draft.page, 'Visible to everyone.')).toBeVisible();
    await expect(threadCard(visitor.draft.page, 'Visible to everyone.').getByRole('textbox')).toHaveCount(0);
  });
});
