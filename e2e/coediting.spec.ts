import { expect, test } from './support/fixtures.ts';

test.describe('co-editing a draft', () => {
  test('renders headings, paragraphs, lists, emphasis, links and block quotes', async ({ alice }) => {
    await alice.draft.open();
    const editor = alice.draft.editor;
    await expect(editor.locator('h1')).toHaveText('Fixture Strategy');
    await expect(editor.locator('h2')).toHaveText(['Vision', 'Focus areas', 'How to take part']);
    await expect(editor.locator('em')).toHaveText('emphasis');
    await expect(editor.locator('strong')).toHaveText('strength');
    await expect(editor.locator('a[href="https://example.org/charter"]')).toHaveText('link');
    await expect(editor.locator('blockquote')).toContainText('Nothing about us without us.');
    await expect(editor.locator('ul > li')).toHaveText(['Anti-corruption', 'Digital governance']);
    await expect(editor.locator('ol > li')).toHaveText(['First commitment', 'Second commitment']);
  });

  test('alice and tom see each other’s edits, carets and presence live', async ({ alice, tom }) => {
    await alice.draft.open();
    await tom.draft.open();

    await expect(alice.draft.presenceList).toContainText('Tom Okafor');
    await expect(tom.draft.presenceList.getByRole('listitem')).toContainText([
      'Tom Okafor (you)',
      'Alice Martin',
    ]);

    await tom.draft.typeAtEndOf('open, accountable institutions', ' Tom was here.');
    await expect(alice.draft.paragraph('Tom was here.')).toBeVisible({ timeout: 2000 });
    await expect(alice.draft.caretLabels()).toContainText(['Tom Okafor']);

    await alice.draft.typeAtEndOf('before the end of February', ' Alice agrees.');
    await expect(tom.draft.paragraph('Alice agrees.')).toBeVisible({ timeout: 2000 });
    await expect(tom.draft.caretLabels()).toContainText(['Alice Martin']);
  });

  test('keeps every edit through a server restart, and reconnects by itself', async ({ alice, server }) => {
    await alice.draft.open();
    await alice.draft.typeAtEndOf('open, accountable institutions', ' Saved before the restart.');

    await server.stop('SIGTERM');
    await expect(alice.draft.connectionStatus).toHaveAttribute('data-state', 'reconnecting');
    await server.restart();
    await expect(alice.draft.connectionStatus).toHaveAttribute('data-state', 'connected', {
      timeout: 15_000,
    });

    await alice.draft.page.reload();
    await expect(alice.draft.paragraph('Saved before the restart.')).toBeVisible();
  });

  test('edits typed while the server is down reach the others when it returns', async ({
    alice,
    tom,
    server,
  }) => {
    await alice.draft.open();
    await tom.draft.open();
    await server.stop('SIGTERM');
    await expect(alice.draft.connectionStatus).toHaveAttribute('data-state', 'reconnecting');

    await alice.draft.typeAtEndOf('open, accountable institutions', ' Written offline.');
    await server.restart();

    await expect(tom.draft.paragraph('Written offline.')).toBeVisible({ timeout: 15_000 });
  });
});
