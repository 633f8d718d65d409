import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

// Temporary folders for tests, in one place so that whoever makes one also removes it. This module
// knows no test runner: Vitest tests use `tempDir()` (support/tempDir.ts), which removes its folder
// when the test ends; the Playwright fixtures and spawned servers remove theirs in their teardown.

/** A fresh, empty folder under the system's temporary folder; the caller removes it. */
export function makeTempFolder(prefix = 'margins-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** Removes `dir` and everything in it; nothing happens when it is already gone. */
export async function removeFolder(dir: string): Promise<void> {
  // A server that was just killed may still be closing files in it: retry briefly (ENOTEMPTY).
  await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
}
