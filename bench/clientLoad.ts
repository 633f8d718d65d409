// A visitor opens a draft: how much JavaScript the browser fetches before it can render, and how
// long the draft page takes to show its first heading in Chromium, in English and in French (whose
// catalogue is fetched before the first render), on this machine's loopback and on a slow network.
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
  headingMs: number;
  /** JavaScript fetched until the heading showed (median run). */
  scriptsBeforeHeading: Bytes & { files: number };
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
    await page.goto(`/d/${DRAFT_ID}`, { waitUntil: 'commit' });
    // Polled at every frame: the time the heading was first drawn, within one frame.
    const drawn = await page.waitForFunction(
      () => {
        const heading = document.querySelector('.prose h1, .prose h2');
        return heading && heading.getBoundingClientRect().height > 0 ? performance.now() : 0;
      },
      undefined,
      { polling: 'raf', timeout: 60_000 },
    );
    const headingMs = Number(await drawn.jsonValue());
    const timing = await page.evaluate((until) => {
      const paint = performance.getEntriesByName('first-contentful-paint')[0];
      const scripts = performance
        .getEntriesByType('resource')
        .filter((entry) => entry.name.endsWith('.js') && entry.startTime < until)
        .map((entry) => new URL(entry.name).pathname);
      return { fcp: paint?.startTime ?? Number.NaN, scripts };
    }, headingMs);
    if (language === 'fr' && (await page.locator('html').getAttribute('lang')) !== 'fr') {
      throw new Error('the French visitor was not shown the French interface');
    }
    return { headingMs, fcp: timing.fcp, scripts: timing.scripts };
  } finally {
    await context.close();
  }
}

/** Runs the visits against a fresh server and returns the sizes and the timing rows. */
export async function benchClientLoad(): Promise<ClientLoadResult> {
  const draftsDir = mkdtempSync(path.join(tmpdir(), 'margins-bench-client-'));
  writeFileSync(path.join(draftsDir, `${DRAFT_ID}.md`), DRAFT);
  const server = await spawnServer({ draftsDir });
  const browser = await chromium.launch(config.use?.launchOptions);
  try {
    const rows: LoadRow[] = [];
    for (const network of ['loopback', 'slow'] as const) {
      for (const language of ['en', 'fr'] as const) {
        await visit(browser, server.url, language, network); // warms the server, not the browser
        const runs = [];
        for (let run = 0; run < RUNS; run++) runs.push(await visit(browser, server.url, language, network));
        const headingMs = median(runs.map((r) => r.headingMs));
        const typical = runs.find((r) => r.headingMs === headingMs) ?? runs[0];
        rows.push({
          language,
          network,
          firstContentfulPaintMs: median(runs.map((r) => r.fcp)),
          headingMs,
          scriptsBeforeHeading: bytesOf((typical?.scripts ?? []).map((ref) => path.join(clientDir, ref))),
        });
        console.error(`  ${language} ${network}: heading ${headingMs.toFixed(0)} ms`);
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
    `| Before the first render (entry + modulepreloads) | ${initial.files} | ${kB(initial.raw)} | ${kB(initial.gzip)} |`,
    `| Whole build | ${all.files} | ${kB(all.raw)} | ${kB(all.gzip)} |`,
    '',
    `| Visitor opens a draft (median of ${RUNS}) | First Contentful Paint | First heading drawn | JS fetched by then (files, minified, gzip) |`,
    '| --- | ---: | ---: | ---: |',
    ...result.rows.map(
      (row) =>
        `| ${row.language === 'fr' ? 'French' : 'English'}, ${row.network === 'slow' ? 'slow network (150 ms, 1.6 Mbit/s)' : 'loopback'} | ${row.firstContentfulPaintMs.toFixed(0)} ms | ${row.headingMs.toFixed(0)} ms | ${row.scriptsBeforeHeading.files}, ${kB(row.scriptsBeforeHeading.raw)}, ${kB(row.scriptsBeforeHeading.gzip)} |`,
    ),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await benchClientLoad();
  console.log(renderClientLoad(result));
}
