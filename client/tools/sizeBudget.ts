// `npm run check:size`: builds the client in memory (nothing is written to dist/) and fails when
// the JavaScript a reader downloads grows past its budget, when the editor's packages reach the
// download a visitor reads the draft with, or when server-only code (the request schemas' zod,
// the exporters) finds its way into the browser. `--json` prints the measures instead.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Plugin, type Rolldown } from 'vite';

const root = path.resolve(import.meta.dirname, '../..');

/** Budgets in gzip bytes (zlib's default level, as a compressing proxy would send them). */
export const BUDGETS = {
  /**
   * What a visitor downloads before the draft's words are readable: the entry and its static
   * imports, which hold the shell and the draft page's reading path (the server's HTML of the text).
   */
  wordsReadable: 200_000,
  /** Plus the live editor and its static imports, fetched once the words are in. */
  liveEditor: 300_000,
};

/** The reading path: it must be in the first download, or the words wait for another one. */
const READING_PATH = ['client/src/editor/DraftPage.tsx', 'client/src/editor/ReadingCopy.tsx'];
/** The module that the live editor's chunk starts from. */
const LIVE_DRAFT = 'client/src/editor/LiveDraft.tsx';
/** The editor's packages, which only the live editor's chunk may bring. */
const EDITOR_ONLY = /^(yjs|y-websocket|y-protocols|lib0|@tiptap\/.*|prosemirror-.*|@floating-ui\/.*)$/;

/** Packages the browser never needs: they validate or export on the server. */
const SERVER_ONLY = [
  'zod',
  'docx',
  'jszip',
  'csv-stringify',
  'gray-matter',
  'pino',
  '@tiptap/markdown',
  '@tiptap/static-renderer',
];

export interface ChunkSize {
  file: string;
  bytes: number;
  gzipBytes: number;
}

export interface ClientSizes {
  /** The entry and its static imports: the first render, and the draft's words. */
  wordsReadable: ChunkSize[];
  /** Chunks beyond those that the live editor needs. */
  liveEditor: ChunkSize[];
  /** Every JavaScript chunk of the build. */
  all: ChunkSize[];
  /** The largest packages (source bytes before minifying) in each of the two downloads. */
  largest: { wordsReadable: [string, number][]; liveEditor: [string, number][] };
  /** Modules of the reading path missing from the first download. */
  readingPathMissing: string[];
  /** Editor packages in the first download, each with the chain of imports that brings it. */
  editorInFirst: { pkg: string; chain: string[] }[];
  /** Server-only packages found in the client, each with the chain of imports that brings it. */
  leaks: { pkg: string; chain: string[] }[];
}

/** Builds the client in memory and measures what each kind of visit downloads. */
export async function measureClient(): Promise<ClientSizes> {
  const importers = new Map<string, string[]>();
  const recordGraph: Plugin = {
    name: 'margins-size-budget-graph',
    generateBundle() {
      for (const id of this.getModuleIds()) {
        const info = this.getModuleInfo(id);
        importers.set(id, [...(info?.importers ?? []), ...(info?.dynamicImporters ?? [])]);
      }
    },
  };
  // `write: false` keeps the output in memory; the folder only keeps Vite from touching dist/.
  const outDir = mkdtempSync(path.join(tmpdir(), 'margins-size-'));
  try {
    const result = await build({
      configFile: path.join(root, 'client/vite.config.ts'),
      logLevel: 'warn',
      plugins: [recordGraph],
      build: { outDir, emptyOutDir: true, write: false },
    });
    if (Array.isArray(result) || !('output' in result)) throw new Error('expected one build output');
    return sizesOf(
      result.output.filter((o): o is Rolldown.OutputChunk => o.type === 'chunk'),
      importers,
    );
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

function sizesOf(chunks: Rolldown.OutputChunk[], importers: Map<string, string[]>): ClientSizes {
  const byFile = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
  const withStaticImports = (start: string[]): Set<string> => {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const imported of byFile.get(file)?.imports ?? []) visit(imported);
    };
    for (const file of start) visit(file);
    return seen;
  };
  const entries = chunks.filter((chunk) => chunk.isEntry).map((chunk) => chunk.fileName);
  const live = chunks.find((chunk) => chunk.facadeModuleId === path.join(root, LIVE_DRAFT));
  if (!live) throw new Error(`no chunk starts at ${LIVE_DRAFT}: is it still loaded on demand?`);
  const first = withStaticImports(entries);
  const editing = withStaticImports([live.fileName]);
  const size = (chunk: Rolldown.OutputChunk): ChunkSize => ({
    file: chunk.fileName,
    bytes: Buffer.byteLength(chunk.code),
    gzipBytes: gzipSync(chunk.code).length,
  });
  const pick = (files: Iterable<string>) =>
    [...files].flatMap((file) => {
      const chunk = byFile.get(file);
      return chunk ? [chunk] : [];
    });
  const firstChunks = pick(first);
  const liveChunks = pick([...editing].filter((file) => !first.has(file)));
  const inFirst = new Set(firstChunks.flatMap((chunk) => chunk.moduleIds));
  return {
    wordsReadable: firstChunks.map(size),
    liveEditor: liveChunks.map(size),
    all: chunks.map(size),
    largest: { wordsReadable: largestPackages(firstChunks), liveEditor: largestPackages(liveChunks) },
    readingPathMissing: READING_PATH.filter((file) => !inFirst.has(path.join(root, file))),
    editorInFirst: packagesIn(firstChunks, (pkg) => EDITOR_ONLY.test(pkg), importers),
    leaks: packagesIn(chunks, (pkg) => SERVER_ONLY.includes(pkg), importers),
  };
}

/** The package (or app file) a module id belongs to. */
function ownerOf(id: string): string {
  const match = /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(id);
  return match?.[1] ? match[1].replace('\\', '/') : path.relative(root, id);
}

function largestPackages(chunks: Rolldown.OutputChunk[]): [string, number][] {
  const total = new Map<string, number>();
  for (const chunk of chunks)
    for (const [id, module] of Object.entries(chunk.modules))
      total.set(ownerOf(id), (total.get(ownerOf(id)) ?? 0) + module.renderedLength);
  return [...total].sort((a, b) => b[1] - a[1]).slice(0, 8);
}

/** The packages in `chunks` that `matches` picks, each with the chain of imports that brings it. */
function packagesIn(
  chunks: Rolldown.OutputChunk[],
  matches: (pkg: string) => boolean,
  importers: Map<string, string[]>,
) {
  const leaks: { pkg: string; chain: string[] }[] = [];
  const reported = new Set<string>();
  for (const chunk of chunks)
    for (const id of chunk.moduleIds) {
      const pkg = ownerOf(id);
      if (!id.includes('node_modules') || !matches(pkg) || reported.has(pkg)) continue;
      reported.add(pkg);
      leaks.push({ pkg, chain: chainTo(id, importers) });
    }
  return leaks;
}

/** Who imports `id`, back to the first module outside node_modules and on to the entry. */
function chainTo(id: string, importers: Map<string, string[]>): string[] {
  const chain = [id];
  const seen = new Set(chain);
  let current = id;
  for (;;) {
    const next = importers.get(current)?.find((importer) => !seen.has(importer));
    if (!next) break;
    chain.push(next);
    seen.add(next);
    current = next;
  }
  return chain.map((module) =>
    module.includes('node_modules') ? ownerOf(module) : path.relative(root, module),
  );
}

export const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;
export const sum = (sizes: ChunkSize[], key: 'bytes' | 'gzipBytes' = 'gzipBytes') =>
  sizes.reduce((total, chunk) => total + chunk[key], 0);

/** The verdict: lines to print, and whether every budget holds. */
export function judge(sizes: ClientSizes): { ok: boolean; lines: string[] } {
  const lines: string[] = [];
  let ok = true;
  const check = (label: string, chunks: ChunkSize[], budget: number, largest: [string, number][]) => {
    const gzip = sum(chunks);
    const within = gzip <= budget;
    ok &&= within;
    lines.push(
      `${within ? 'ok  ' : 'OVER'} ${label}: ${kB(gzip)} gzip (${kB(sum(chunks, 'bytes'))} minified, ${chunks.length} files), budget ${kB(budget)}`,
    );
    if (!within) {
      lines.push('     largest parts (source bytes before minifying):');
      for (const [owner, bytes] of largest) lines.push(`       ${kB(bytes).padStart(9)}  ${owner}`);
      lines.push('     Load what a reader does not need on demand (React.lazy, import()), or raise the');
      lines.push('     budget in client/tools/sizeBudget.ts with a reason in the commit.');
    }
  };
  const live = [...sizes.wordsReadable, ...sizes.liveEditor];
  check(
    'a draft’s words readable (entry and its static imports)',
    sizes.wordsReadable,
    BUDGETS.wordsReadable,
    sizes.largest.wordsReadable,
  );
  check('the live editor (plus its chunk)', live, BUDGETS.liveEditor, sizes.largest.liveEditor);
  for (const file of sizes.readingPathMissing) {
    ok = false;
    lines.push(`LATE ${file} is not in the first download: a visitor's words would wait for another one.`);
  }
  for (const found of sizes.editorInFirst) {
    ok = false;
    lines.push(`HEAVY ${found.pkg} is in the first download: ${found.chain.join(' ← ')}`);
    lines.push(
      '     The editor’s packages belong to the live editor (editor/LiveDraft.tsx and what it imports);',
    );
    lines.push('     the reading path shows the server’s HTML, and imports only types from them.');
  }
  for (const leak of sizes.leaks) {
    ok = false;
    lines.push(`LEAK ${leak.pkg} is in the client bundle: ${leak.chain.join(' ← ')}`);
    lines.push('     The browser needs facts and types only: import constants from shared/<x>.ts and types');
    lines.push('     with `import type`; zod schemas stay in shared/<x>Schemas.ts, exporters on the server.');
  }
  lines.push(
    `     all JavaScript: ${kB(sum(sizes.all))} gzip (${kB(sum(sizes.all, 'bytes'))} minified) in ${sizes.all.length} chunks`,
  );
  return { ok, lines };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = await measureClient();
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(sizes));
  } else {
    const verdict = judge(sizes);
    for (const line of verdict.lines) console.log(line);
    if (!verdict.ok) process.exitCode = 1;
  }
}
