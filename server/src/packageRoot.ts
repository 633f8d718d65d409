import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The folder holding Margins' package.json. The server runs both from its sources
 * (server/src, through tsx) and compiled (dist/server/src), at different depths, so paths to the
 * built client or the package file are found from here rather than counted in `../`.
 */
export const packageRoot: string = findPackageRoot(import.meta.dirname);

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}
