import { expect, type Locator, type Page } from '@playwright/test';
import { selectWords } from './threads.ts';

/** Selects `words` and proposes `replacement` (and a reason) through "Suggest an edit". */
export async function suggestOn(page: Page, words: string, replacement: string, why?: string): Promise<void> {
  await selectWords(page, words);
  await page.getByRole('button', { name: /^Suggest an edit/ }).click();
  const field = page.getByRole('textbox', { name: 'Your wording' });
  await expect(field).toHaveValue(words);
  await field.fill(replacement);
  if (why) await page.getByRole('textbox', { name: 'Why (optional)' }).fill(why);
  await page.getByRole('button', { name: 'Post suggestion' }).click();
}

export async function showSuggestions(page: Page): Promise<void> {
  await page.getByRole('tab', { name: /suggestion/ }).click();
}

export function suggestionCard(page: Page, text: string): Locator {
  return page.getByTestId('suggestion-card').filter({ hasText: text });
}

/** The words an open suggestion would remove, struck through in the text. */
export function struck(page: Page): Locator {
  return page.locator('.prose .suggestion-removal');
}

/** The words an open suggestion would add, shown beside them. */
export function proposed(page: Page): Locator {
  return page.locator('.prose .suggestion-insertion');
}
