import { DraftPageObject } from './support/draftPage.ts';
import { expect, PASSWORD, test } from './support/fixtures.ts';

test.describe('accounts, roles and the consultation window', () => {
  test('an admin invites a task-force member who signs up and edits; a new stakeholder reads along', async ({
    ada,
    browser,
    server,
  }) => {
    // Ada creates an invitation link in the admin screen.
    await ada.draft.page.goto('/admin');
    await ada.draft.page.getByLabel('Invite as').selectOption('taskforce');
    await ada.draft.page.getByRole('button', { name: 'Create invitation link' }).click();
    const link = await ada.draft.page.getByLabel('Invitation link').inputValue();
    expect(link).toContain('/invite/');

    // Tara follows it in her own browser and creates her account.
    const tara = await browser.newContext({ baseURL: server.url, locale: 'en-GB' });
    const taraPage = await tara.newPage();
    await taraPage.goto(link);
    await expect(taraPage.getByText('invited to join Margins as Task force')).toBeVisible();
    await taraPage.getByLabel('Full name').fill('Tara Singh');
    await taraPage.getByLabel('Email').fill('tara@example.org');
    await taraPage.getByLabel('Password').fill(PASSWORD);
    await taraPage.getByRole('button', { name: 'Accept and create account' }).click();
    await expect(taraPage.getByTestId('signed-in-user')).toContainText('Tara Singh');
    await expect(taraPage.getByTestId('signed-in-user')).toContainText('Task force');

    // Sam signs up as a stakeholder by himself.
    const sam = await browser.newContext({ baseURL: server.url, locale: 'en-GB' });
    const samPage = await sam.newPage();
    await samPage.goto('/');
    await samPage.getByRole('link', { name: 'Create an account' }).click();
    await samPage.getByLabel('Full name').fill('Sam Osei');
    await samPage.getByLabel('Email').fill('sam@example.org');
    await samPage.getByLabel('Password').fill(PASSWORD);
    await samPage.getByLabel(/Organisation/).fill('Citizens for Budget Transparency');
    await samPage.getByLabel(/Sector/).selectOption('civil-society');
    await samPage.getByRole('button', { name: 'Create account' }).click();
    await expect(samPage.getByTestId('signed-in-user')).toContainText('Stakeholder');

    const taraDraft = new DraftPageObject(taraPage, server.draftId);
    const samDraft = new DraftPageObject(samPage, server.draftId);
    await taraDraft.open();
    await samDraft.open();

    // Sam sees the window status and a read-only editor; Tara edits and Sam sees it live.
    await expect(samDraft.page.getByTestId('window-status')).toContainText('Open for comments until');
    await expect(samDraft.editor).toHaveAttribute('contenteditable', 'false');
    await expect(samDraft.page.getByTestId('access-note')).toContainText('Only the task force edits');
    await expect(taraDraft.editor).toHaveAttribute('contenteditable', 'true');
    await taraDraft.typeAtEndOf('open, accountable institutions', ' Tara’s first edit.');
    await expect(samDraft.paragraph('Tara’s first edit.')).toBeVisible({ timeout: 2000 });

    // Sam's keystrokes change nothing.
    await samDraft.paragraph('Second commitment').click();
    await samPage.keyboard.type(' SAM TYPED THIS');
    await expect(taraDraft.editor).not.toContainText('SAM TYPED THIS');

    await tara.close();
    await sam.close();
  });

  test('PERM-4 a demoted editor’s open editor turns read-only within seconds', async ({
    ada,
    tom,
    alice,
  }) => {
    await tom.draft.open();
    await alice.draft.open();
    await tom.draft.typeAtEndOf('open, accountable institutions', ' Before.');
    await expect(alice.draft.paragraph('Before.')).toBeVisible();

    await ada.draft.page.goto('/admin');
    await ada.draft.page.getByLabel('Role of Tom Okafor').selectOption('stakeholder');

    await expect(tom.draft.editor).toHaveAttribute('contenteditable', 'false', { timeout: 5000 });
    await expect(tom.draft.page.getByTestId('access-note')).toBeVisible();
  });

  test('PERM-2 a visitor reads live, read-only, and is invited to sign in', async ({ visitor, tom }) => {
    await visitor.draft.open();
    await expect(visitor.draft.editor).toHaveAttribute('contenteditable', 'false');
    await expect(visitor.draft.page.getByTestId('access-note')).toContainText('reading as a visitor');
    await tom.draft.open();
    await tom.draft.typeAtEndOf('open, accountable institutions', ' Live for visitors too.');
    await expect(visitor.draft.paragraph('Live for visitors too.')).toBeVisible({ timeout: 2000 });
    await expect(visitor.draft.presenceList).toContainText('Tom Okafor');
    // Readers without an account are counted in the list, not named one by one.
    await expect(tom.draft.presenceList).toContainText('1 visitor');
  });

  test('LIMIT-6 someone who keeps mistyping a password is asked, in French, to wait so many seconds, then gets in', async ({
    alice,
    browser,
    server,
  }) => {
    const context = await browser.newContext({ baseURL: server.url, locale: 'fr-FR' });
    const page = await context.newPage();
    await page.goto('/signin');
    const notice = page.getByRole('alert');
    const signIn = async (password: string) => {
      await page.getByLabel('Adresse e-mail').fill(alice.email);
      await page.getByLabel('Mot de passe').fill(password);
      await page.getByRole('button', { name: 'Se connecter' }).click();
    };

    for (let i = 1; i <= 5; i++) {
      await signIn(`erreur ${i}`);
      await expect(notice).toHaveText(
        'Cette adresse e-mail et ce mot de passe ne correspondent à aucun compte.',
      );
      await expect(page.getByRole('button', { name: 'Se connecter' })).toBeEnabled();
    }
    await signIn(PASSWORD);
    await expect(notice).toHaveText(
      'Trop de mots de passe erronés pour ce compte depuis votre connexion. Réessayez dans 1 seconde.',
    );
    await page.waitForTimeout(1100); // the wait the server asked for
    await signIn('erreur 6');
    await expect(notice).toContainText('ne correspondent à aucun compte');
    await signIn(PASSWORD);
    await expect(notice).toContainText('Réessayez dans 2 secondes.');

    await page.waitForTimeout(2100);
    await signIn(PASSWORD);
    await expect(page.getByTestId('signed-in-user')).toContainText('Alice Martin');
    await context.close();
  });

  test('PERM-3 a private draft is not reachable by a stakeholder', async ({ ada, alice, server }) => {
    const response = await ada.context.request.patch(`/api/drafts/${server.draftId}`, {
      data: { visibility: 'private' },
    });
    expect(response.ok()).toBe(true);
    await alice.draft.page.goto('/');
    await expect(alice.draft.page.getByRole('link', { name: 'Fixture Strategy' })).toHaveCount(0);
    await alice.draft.page.goto(`/d/${server.draftId}`);
    await expect(alice.draft.page.getByRole('alert')).toContainText('does not exist');
  });
});
