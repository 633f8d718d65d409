import { onTestFinished } from 'vitest';
import { makeTempFolder, removeFolder } from './tempFolders.ts';

/**
 * A fresh temporary folder (for DATA_DIR, a drafts fixture, a file to read back), removed with
 * everything in it when the current test has finished — after its `afterEach` hooks, so servers
 * and stores closed there are closed by then. Call it in a test or a `beforeEach`; a folder that
 * lives for a whole file comes from `makeTempFolder` and is removed in `afterAll`.
 */
export function tempDir(prefix = 'margins-test-'): string {
  const dir = makeTempFolder(prefix);
  try {
    onTestFinished(() => removeFolder(dir));
  } catch (error) {
    void removeFolder(dir);
    throw new Error(
      `tempDir() outside a test would leave ${dir} behind: use makeTempFolder() and remove it in afterAll`,
      { cause: error },
    );
  }
  return dir;
}
