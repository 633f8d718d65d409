import { expect, test } from './support/fixtures.ts';

test.describe('co-editing a draft', () => {
  test('renders headings, paragraphs, lists, emphasis, links and block quotes', async ({ visitor }) => {
    await visitor.draft.open();
    const editor = visitor.draft.editor;
    await expect(editor.locator('h1')).toHaveText('Fixture Strategy');
    await expect(editor.locator('h2')).toHaveText(['Vision', 'Focus areas', 'How to take part']);
    await expect(editor.locator('em')).toHaveText('emphasis');
    await expect(editor.locator('strong')).toHaveText('strength');
    await expect(editor.locator('a[href="https://example.org/charter"]')).toHaveText('link');
    await expect(editor.locator('blockquote')).toContainText('Nothing about us without us.');
    await expect(editor.locator('ul > li')).toHaveText(['Anti-corruption', 'Digital governance']);
    await expect(editor.locator('ol > li')).toHaveText(['First commitment', 'Second commitment']);
  });

  test('LIVE-1 LIVE-4 tom and tina of the task force see each other’s edits, carets and presence live', async ({
    tom,
    tina,
  }) => {
    await tom.draft.open();
    await tina.draft.open();

    await expect(tom.draft.presenceList).toContainText('Tina Ruiz');
    await expect(tina.draft.presenceList.getByRole('listitem')).toContainText([
      'Tina Ruiz (you)',
      'Tom Okafor',
    ]);

    await tom.draft.typeAtEndOf('open, accountable institutions', ' Tom was here.');
    await expect(tina.draft.paragraph('Tom was here.')).toBeVisible({ timeout: 2000 });
    await expect(tina.draft.caretLabels()).toContainText(['Tom Okafor']);

    await tina.draft.typeAtEndOf('before the end of February', ' Tina agrees.');
    await expect(tom.draft.paragraph('Tina agrees.')).toBeVisible({ timeout: 2000 });
    await expect(tom.draft.caretLabels()).toContainText(['Tina Ruiz']);
  });

  test('SAVE-4 CLOSE-1 keeps every edit through a server restart, and reconnects by itself', async ({
    tom,
    server,
  }) => {
    await tom.draft.open();
    await tom.draft.typeAtEndOf('open, accountable institutions', ' Saved before the restart.');

    await server.stop('SIGTERM');
    await expect(tom.draft.connectionStatus).toHaveAttribute('data-state', 'reconnecting');
    await server.restart();
    await expect(tom.draft.connectionStatus).toHaveAttribute('data-state', 'connected', {
      timeout: 15_000,
    });

    await tom.draft.page.reload();
    await expect(tom.draft.paragraph('Saved before the restart.')).toBeVisible();
  });

  test('SAVE-8 edits typed while the server is down reach the others when it returns', async ({
    tina,
    tom,
    server,
  }) => {
    await tina.draft.open();
    await tom.draft.open();
    await server.stop('SIGTERM');
    await expect(tina.draft.connectionStatus).toHaveAttribute('data-state', 'reconnecting');

    await tina.draft.typeAtEndOf('open, accountable institutions', ' Written offline.');
    await server.restart();

    await expect(tom.draft.paragraph('Written offline.')).toBeVisible({ timeout: 15_000 });
  });
});
