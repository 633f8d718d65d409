// `npm run check:size`: builds the client in memory (nothing is written to dist/) and fails when
// the JavaScript a reader downloads grows past its budget, or when server-only code (the request
// schemas' zod, the exporters) finds its way into the browser. `--json` prints the measures for
// the benchmark (bench/clientLoad.ts) instead.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Plugin, type Rolldown } from 'vite';

const root = path.resolve(import.meta.dirname, '../..');

/** Budgets in gzip bytes (zlib's default level, as a compressing proxy would send them). */
export const BUDGETS = {
  /** What the browser loads before the first render: the entry and its static imports. */
  firstRender: 200_000,
  /** Plus the draft page and its static imports, fetched as soon as a draft's address opens. */
  draftReadable: 300_000,
};

/** The module that the draft page's chunk starts from. */
const DRAFT_PAGE = 'client/src/editor/DraftPage.tsx';

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
  firstRender: ChunkSize[];
  /** Chunks beyond the first render that reading a draft needs. */
  draftPage: ChunkSize[];
  /** Every JavaScript chunk of the build. */
  all: ChunkSize[];
  /** The largest packages (source bytes before minifying) in the first render and in the draft page. */
  largest: { firstRender: [string, number][]; draftPage: [string, number][] };
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
  const draftPage = chunks.find((chunk) => chunk.facadeModuleId === path.join(root, DRAFT_PAGE));
  if (!draftPage) throw new Error(`no chunk starts at ${DRAFT_PAGE}: is it still loaded on demand?`);
  const first = withStaticImports(entries);
  const reading = withStaticImports([draftPage.fileName]);
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
  const draftChunks = pick([...reading].filter((file) => !first.has(file)));
  return {
    firstRender: firstChunks.map(size),
    draftPage: draftChunks.map(size),
    all: chunks.map(size),
    largest: { firstRender: largestPackages(firstChunks), draftPage: largestPackages(draftChunks) },
    leaks: serverOnlyLeaks(chunks, importers),
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

function serverOnlyLeaks(chunks: Rolldown.OutputChunk[], importers: Map<string, string[]>) {
  const leaks: { pkg: string; chain: string[] }[] = [];
  const reported = new Set<string>();
  for (const chunk of chunks)
    for (const id of chunk.moduleIds) {
      const pkg = ownerOf(id);
      if (!SERVER_ONLY.includes(pkg) || reported.has(pkg)) continue;
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
  const firstRender = sizes.firstRender;
  const readable = [...firstRender, ...sizes.draftPage];
  check(
    'first render (entry and its static imports)',
    firstRender,
    BUDGETS.firstRender,
    sizes.largest.firstRender,
  );
  check('a draft, readable (plus the draft page)', readable, BUDGETS.draftReadable, sizes.largest.draftPage);
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
