import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { verifyExport } from '../changelog/hashChain.ts';

// `npm run verify-log -- <draft>-changelog.json`, or `node verify-log.mjs <draft>-changelog.json`
// with the self-contained copy `npm run build` makes of this file (see buildVerifier.ts): checks
// that an exported change log is intact: every entry's hash matches its content and links to the
// entry before it. Exit codes: 0 intact, 1 broken (the first broken entry is printed), 2 the file
// could not be checked at all. An intact chain can still have lost its last entries, or have been
// rewritten as a whole: compare the last hash printed with the one the organisation published.

// npm runs a script in the package's root and says where it was called from in INIT_CWD; a file
// named on the command line is meant from there. Only when npm runs this very script: INIT_CWD is
// inherited by everything an npm script starts, from wherever that first npm command ran.
const viaNpm = process.env.npm_lifecycle_event === 'verify-log';
const callerDir = (viaNpm && process.env.INIT_CWD) || process.cwd();
// The bundled copy is an .mjs file; this file runs as .ts (npm run verify-log) or, compiled, as .js.
const standalone = import.meta.url.endsWith('.mjs');
const usage = standalone
  ? `Usage: node ${path.basename(process.argv[1] ?? 'verify-log.mjs')} <draft>-changelog.json`
  : 'Usage: npm run verify-log -- <changelog.json>';

function cannotCheck(message: string): number {
  console.error(message);
  return 2;
}

function verify(args: string[]): number {
  let positionals: string[];
  try {
    ({ positionals } = parseArgs({ args, options: {}, allowPositionals: true }));
  } catch (error) {
    return cannotCheck(`${(error as Error).message}\n${usage}`);
  }
  const file = positionals[0];
  if (!file || positionals.length > 1) return cannotCheck(usage);

  let text: string;
  try {
    text = readFileSync(path.resolve(callerDir, file), 'utf8');
  } catch (error) {
    return cannotCheck(`Cannot read ${file}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    // A byte order mark is not JSON, but some editors add one when saving.
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return cannotCheck(`${file} is not JSON: ${(error as Error).message}`);
  }

  const verdict = verifyExport(json);
  if (verdict.ok) {
    const last = verdict.lastHash ?? 'none: the log is empty';
    console.log(
      `OK: ${verdict.count} ${verdict.count === 1 ? 'entry' : 'entries'}, chain intact (last hash ${last})`,
    );
    return 0;
  }
  if (verdict.index < 0) return cannotCheck(`Cannot check ${file}: ${verdict.reason}`);
  console.log(`BROKEN: ${verdict.reason}`);
  const { index } = verdict;
  const before = index === 1 ? 'the entry before it is intact' : `the ${index} entries before it are intact`;
  console.log(
    index === 0
      ? 'It is the first entry in the file.'
      : `It is at position ${index + 1} in the file; ${before}.`,
  );
  return 1;
}

process.exitCode = verify(process.argv.slice(2));
