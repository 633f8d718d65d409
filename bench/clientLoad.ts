// A visitor opens a draft: how much JavaScript the browser fetches before it can render, how long
// the draft page takes in Chromium to show the draft's first words (the server's reading copy,
// drawn with the shell's code alone) and then the live editor's first heading, and how much
// JavaScript had arrived by each, in English and in French (whose catalogue is fetched before the
// first render), on this machine's loopback and on a slow network.
// Measures the built client in dist/client (run `npm run build` first); prints a markdown table.
// `node --import tsx bench/clientLoad.ts` (CLIENT_LOAD_RUNS sets the runs per row, 5 by default).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { type Browser, chromium } from '@playwright/test';
import config from '../e2e/playwright.config.ts';
import { spawnServer } from '../server/test/support/serverProcess.ts';

const RUNS = Number(process.env.CLIENT_LOAD_RUNS ?? 5);
const clientDir = path.resolve(import.meta.dirname, '../dist/client');
const DRAFT_ID = 'client-load';

/** A consultation draft of ordinary length: 12 sections of 5 paragraphs. */
const DRAFT = `---
title: Client load bench
language: en
---

# Client load bench

${Array.from(
  { length: 12 },
  (_, section) =>
    `## Section ${section + 1}\n\n${Array.from(
      { length: 5 },
      (_, p) =>
        `Paragraph ${p + 1} of section ${section + 1}: the consultation asks stakeholders to read, comment and suggest changes to this text before it is adopted.`,
    ).join('\n\n')}`,
).join('\n\n')}
`;

/** Chromium's network emulation for the slow rows: a mobile link (about "Fast 3G"). */
const SLOW_NETWORK = {
  offline: false,
  latency: 150,
  downloadThroughput: 1_600_000 / 8,
  uploadThroughput: 750_000 / 8,
};

interface Bytes {
  raw: number;
  gzip: number;
}

export interface ClientLoadResult {
  /** The entry script and the modules index.html preloads: fetched before anything runs. */
  initial: Bytes & { files: number };
  /** Every JavaScript file of the build. */
  all: Bytes & { files: number };
  rows: LoadRow[];
}

export interface LoadRow {
  language: 'en' | 'fr';
  network: 'loopback' | 'slow';
  /** Medians over the runs, in ms from navigation start. */
  firstContentfulPaintMs: number;
  /** A paragraph of the draft drawn (the reading copy, or the editor if it came first). */
  firstWordsMs: number;
  /** JavaScript whose download had ended when the first words showed (median run). */
  scriptsBeforeWords: Bytes & { files: number };
  /** A heading drawn in the live editor (synced, in the reading copy's place). */
  editorMs: number;
  /** JavaScript whose download had ended when the editor showed (median run). */
  scriptsBeforeEditor: Bytes & { files: number };
}

const gzipOf = (file: string) => gzipSync(readFileSync(file)).length;

function bytesOf(files: string[]): Bytes & { files: number } {
  let raw = 0;
  let gzip = 0;
  for (const file of files) {
    raw += readFileSync(file).length;
    gzip += gzipOf(file);
  }
  return { raw, gzip, files: files.length };
}

/** What index.html makes the browser fetch at once: the entry script and its modulepreloads. */
function initialScripts(): string[] {
  const html = readFileSync(path.join(clientDir, 'index.html'), 'utf8');
  const refs = [
    ...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g),
    ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g),
  ].map((match) => match[1] ?? '');
  return [...new Set(refs)].map((ref) => path.join(clientDir, ref));
}

function allScripts(): string[] {
  const assets = path.join(clientDir, 'assets');
  return readdirSync(assets)
    .filter((file) => file.endsWith('.js'))
    .map((file) => path.join(assets, file));
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/**
 * Notes, at every frame from before the app runs, when the draft's first paragraph and the live
 * editor's first heading were first drawn. (A string: a function would be compiled with helpers
 * the page does not have.)
 */
const WATCH_DRAWING = `(() => {
  const seen = {};
  window.__drawn = seen;
  const shown = (selector) =>
    [...document.querySelectorAll(selector)].some((element) => element.getBoundingClientRect().height > 0);
  const look = () => {
    const now = performance.now();
    if (seen.words === undefined && shown('.reading-copy p, .editor .prose p')) seen.words = now;
    if (seen.editor === undefined && shown('.editor .prose h1, .editor .prose h2')) seen.editor = now;
    if (seen.editor === undefined) requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
})()`;

/** One first visit in a fresh context (empty cache, no storage), timed from navigation start. */
async function visit(browser: Browser, baseURL: string, language: 'en' | 'fr', network: 'loopback' | 'slow') {
  const context = await browser.newContext({
    baseURL,
    locale: language === 'fr' ? 'fr-FR' : 'en-GB',
    viewport: { width: 1280, height: 800 },
  });
  try {
    const page = await context.newPage();
    if (network === 'slow') {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', SLOW_NETWORK);
    }
    await page.addInitScript(WATCH_DRAWING);
    await page.goto(`/d/${DRAFT_ID}`, { waitUntil: 'commit' });
    const drawn = await page.waitForFunction(
      () => {
        const seen = (window as unknown as { __drawn: { words?: number; editor?: number } }).__drawn;
        return seen.editor === undefined
          ? undefined
          : { words: seen.words ?? seen.editor, editor: seen.editor };
      },
      undefined,
      { timeout: 60_000 },
    );
    const { words, editor } = (await drawn.jsonValue()) as { words: number; editor: number };
    const timing = await page.evaluate(
      ({ words, editor }) => {
        const paint = performance.getEntriesByName('first-contentful-paint')[0];
        const scripts = performance
          .getEntriesByType('resource')
          .filter((entry) => entry.name.endsWith('.js'))
          .map((entry) => ({ path: new URL(entry.name).pathname, end: entry.startTime + entry.duration }));
        // No helper function here: tsx would wrap it in a `__name` call the page does not have.
        return {
          fcp: paint?.startTime ?? Number.NaN,
          beforeWords: scripts.filter((s) => s.end <= words).map((s) => s.path),
          beforeEditor: scripts.filter((s) => s.end <= editor).map((s) => s.path),
        };
      },
      { words, editor },
    );
    if (language === 'fr' && (await page.locator('html').getAttribute('lang')) !== 'fr') {
      throw new Error('the French visitor was not shown the French interface');
    }
    return { words, editor, ...timing };
  } finally {
    await context.close();
  }
}

/** Runs the visits against a fresh server and returns the sizes and the timing rows. */
export async function benchClientLoad(): Promise<ClientLoadResult> {
  const draftsDir = mkdtempSync(path.join(tmpdir(), 'margins-bench-client-'));
  writeFileSync(path.join(draftsDir, `${DRAFT_ID}.md`), DRAFT);
  const server = await spawnServer({ draftsDir, compiled: true });
  const browser = await chromium.launch(config.use?.launchOptions);
  try {
    const rows: LoadRow[] = [];
    for (const network of ['loopback', 'slow'] as const) {
      for (const language of ['en', 'fr'] as const) {
        await visit(browser, server.url, language, network); // warms the server, not the browser
        const runs = [];
        for (let run = 0; run < RUNS; run++) runs.push(await visit(browser, server.url, language, network));
        const firstWordsMs = median(runs.map((r) => r.words));
        const editorMs = median(runs.map((r) => r.editor));
        const typicalWords = runs.find((r) => r.words === firstWordsMs) ?? runs[0];
        const typicalEditor = runs.find((r) => r.editor === editorMs) ?? runs[0];
        const files = (refs: string[] = []) => bytesOf(refs.map((ref) => path.join(clientDir, ref)));
        rows.push({
          language,
          network,
          firstContentfulPaintMs: median(runs.map((r) => r.fcp)),
          firstWordsMs,
          scriptsBeforeWords: files(typicalWords?.beforeWords),
          editorMs,
          scriptsBeforeEditor: files(typicalEditor?.beforeEditor),
        });
        console.error(
          `  ${language} ${network}: first words ${firstWordsMs.toFixed(0)} ms, editor ${editorMs.toFixed(0)} ms`,
        );
      }
    }
    return { initial: bytesOf(initialScripts()), all: bytesOf(allScripts()), rows };
  } finally {
    await browser.close();
    await server.stop();
    rmSync(draftsDir, { recursive: true, force: true });
  }
}

const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;

/** The result as markdown: the bundle, then one row per language and network. */
export function renderClientLoad(result: ClientLoadResult): string {
  const { initial, all } = result;
  return [
    '| Client JavaScript | Files | Minified | Gzip |',
    '| --- | ---: | ---: | ---: |',
    `| Before the first render and the draft's words (entry + modulepreloads) | ${initial.files} | ${kB(initial.raw)} | ${kB(initial.gzip)} |`,
    `| Whole build | ${all.files} | ${kB(all.raw)} | ${kB(all.gzip)} |`,
    '',
    `| Visitor opens a draft (median of ${RUNS}) | First Contentful Paint | First words of the draft drawn | JS downloaded by then (files, minified, gzip) | Live editor drawn | JS downloaded by then |`,
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...result.rows.map((row) => {
      const js = (b: Bytes & { files: number }) => `${b.files}, ${kB(b.raw)}, ${kB(b.gzip)}`;
      const who = `${row.language === 'fr' ? 'French' : 'English'}, ${row.network === 'slow' ? 'slow network (150 ms, 1.6 Mbit/s)' : 'loopback'}`;
      return `| ${who} | ${row.firstContentfulPaintMs.toFixed(0)} ms | ${row.firstWordsMs.toFixed(0)} ms | ${js(row.scriptsBeforeWords)} | ${row.editorMs.toFixed(0)} ms | ${js(row.scriptsBeforeEditor)} |`;
    }),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await benchClientLoad();
  console.log(renderClientLoad(result));
}
