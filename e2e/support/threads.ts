import { expect, type Locator, type Page } from '@playwright/test';

/** Selects `words` in the draft's text (within one paragraph) the way a person drags over them. */
export async function selectWords(page: Page, words: string): Promise<void> {
  await page.evaluate((target) => {
    const root = document.querySelector('.editor .prose');
    if (!root) throw new Error('no editor');
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.textContent?.indexOf(target) ?? -1;
      if (at < 0) continue;
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + target.length);
      const selection = window.getSelection();
      selection?.removeAllRanges();
      selection?.addRange(range);
      return;
    }
    throw new Error(`"${target}" is not in one text node of the draft`);
  }, words);
}

/** Selects `words` and posts a comment on them through the "Comment" button. */
export async function commentOn(page: Page, words: string, body: string): Promise<void> {
  await selectWords(page, words);
  await page.getByRole('button', { name: /^Comment/ }).click();
  await page.getByRole('textbox', { name: 'New comment on the selected passage' }).fill(body);
  await page.getByRole('button', { name: 'Post comment' }).click();
}

export function threadCard(page: Page, text: string): Locator {
  return page.getByTestId('thread-card').filter({ hasText: text });
}

export function highlight(page: Page): Locator {
  return page.locator('.prose .comment-anchor');
}

export async function expectHighlighted(page: Page, words: string): Promise<void> {
  await expect(highlight(page)).toHaveText(words);
}
