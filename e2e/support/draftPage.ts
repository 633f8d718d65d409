import { expect, type Locator, type Page } from '@playwright/test';

/** What a person sees and does on a draft's page. */
export class DraftPageObject {
  constructor(
    readonly page: Page,
    readonly draftId: string,
  ) {}

  get editor(): Locator {
    return this.page.locator('.editor .prose');
  }

  get connectionStatus(): Locator {
    return this.page.getByTestId('connection-status');
  }

  get presenceList(): Locator {
    return this.page.getByTestId('presence-list');
  }

  get outline(): Locator {
    return this.page.getByRole('navigation', { name: 'Contents' });
  }

  paragraph(text: string): Locator {
    return this.editor.locator('p', { hasText: text });
  }

  /** Opens the draft and waits until its content has arrived from the server. */
  async open(): Promise<void> {
    await this.page.goto(`/d/${this.draftId}`);
    await expect(this.connectionStatus).toHaveAttribute('data-state', 'connected');
    await expect(this.editor.locator('h1')).not.toBeEmpty();
  }

  /** Puts the caret at the end of the paragraph containing `text` and types. */
  async typeAtEndOf(text: string, typed: string): Promise<void> {
    await this.paragraph(text).click();
    await this.page.keyboard.press('End');
    await this.page.keyboard.type(typed);
  }

  /** Labels of other people's carets shown in the text. */
  caretLabels(): Locator {
    return this.editor.locator('.collaboration-carets__label');
  }
}
