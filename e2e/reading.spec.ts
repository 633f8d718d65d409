import AxeBuilder from '@axe-core/playwright';
import { expect, test } from './support/fixtures.ts';

test.describe('reading a draft', () => {
  test('lists the drafts and opens one', async ({ visitor: alice, server }) => {
    await alice.draft.page.goto('/');
    await alice.draft.page.getByRole('link', { name: 'Fixture Strategy' }).click();
    await expect(alice.draft.page).toHaveURL(new RegExp(`/d/${server.draftId}$`));
    await expect(alice.draft.editor.locator('h1')).toHaveText('Fixture Strategy');
  });

  test('the outline lists the headings and jumps to a section', async ({ visitor: alice }) => {
    await alice.draft.page.setViewportSize({ width: 1280, height: 400 });
    await alice.draft.open();
    const outline = alice.draft.outline;
    await expect(outline.getByRole('button')).toHaveText([
      'Fixture Strategy',
      'Vision',
      'Focus areas',
      'How to take part',
    ]);
    const target = alice.draft.editor.locator('h2', { hasText: 'How to take part' });
    await expect(target).not.toBeInViewport();
    await outline.getByRole('button', { name: 'How to take part' }).click();
    await expect(target).toBeInViewport();
  });

  test('switches the interface language and remembers it', async ({ visitor: alice }) => {
    await alice.draft.open();
    await alice.draft.page.getByLabel('Language').selectOption('fr');
    await expect(alice.draft.page.getByRole('navigation', { name: 'Sommaire' })).toBeVisible();
    await expect(alice.draft.connectionStatus).toHaveText('Connecté');
    await alice.draft.page.reload();
    await expect(alice.draft.page.getByRole('link', { name: /Tous les projets/ })).toBeVisible();
    await alice.draft.page.getByLabel('Langue').selectOption('es');
    await expect(alice.draft.connectionStatus).toHaveText('Conectado');
  });

  test('an unknown draft says so instead of showing an empty editor', async ({ visitor: alice }) => {
    await alice.draft.page.goto('/d/no-such-draft');
    await expect(alice.draft.page.getByRole('alert')).toContainText('does not exist');
  });

  test('the draft page has no serious accessibility violations', async ({ alice, tom }) => {
    for (const actor of [alice, tom]) {
      await actor.draft.open();
      const results = await new AxeBuilder({ page: actor.draft.page }).analyze();
      const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(
        serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
      ).toEqual([]);
    }
  });
});
