// Opening a draft that carries 5,000 comment threads and 20,000 replies: time from navigation to
// every highlight drawn, typing responsiveness, and the server's memory, beside the same draft
// with no threads (the reference) in the same run. `npm run bench:threads` prints the results;
// `npm run bench` includes them in docs/benchmarks.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { EditorState } from '@tiptap/pm/state';
import { updateYFragment } from '@tiptap/y-tiptap';
import * as Y from 'yjs';
import config from '../e2e/playwright.config.ts';
import { markdownToYjsState } from '../server/src/drafts/markdown.ts';
import { contentSchema, snapshot } from '../server/src/passages/passages.ts';
import { spawnServer } from '../server/test/support/serverProcess.ts';
import { makeTempFolder } from '../server/test/support/tempFolders.ts';
import { QUOTE_CONTEXT } from '../shared/anchoring/anchor.ts';
import { BIND_LEFT, BIND_RIGHT, encodePosition, relativePositionAt } from '../shared/anchoring/positions.ts';
import { defaultWindow } from '../shared/consultation.ts';
import { CONTENT_FIELD } from '../shared/drafts.ts';
import { peakMemoryBytes } from './servers.ts';

const THREADS = 5000;
const REPLIES = 15000; // plus one opening comment per thread: 20,000 comments in all
const PARAGRAPHS = 400;
const DRAFT = 'scale';

export interface ThreadsScaleResult {
  threads: number;
  comments: number;
  /** Navigation start → every thread's highlight in the page (median of runs). */
  highlightsMs: number;
  /** Same page, same text, no threads: navigation start → text drawn. */
  referenceMs: number;
  /** Longest frame while typing 40 characters, with threads / without. */
  typingMaxFrameMs: number;
  referenceTypingMaxFrameMs: number;
  /** Frames longer than one (17 ms) while typing, and all frames, with threads / without. */
  typingLongFrames: [number, number];
  referenceTypingLongFrames: [number, number];
  serverPeakBytes: number;
  referenceServerPeakBytes: number;
}

function words(n: number, seed: number): string {
  const pool = [
    'open',
    'budget',
    'data',
    'citizens',
    'reform',
    'public',
    'service',
    'climate',
    'digital',
    'trust',
  ];
  return Array.from({ length: n }, (_, i) => pool[(seed * 7 + i * 3) % pool.length]).join(' ');
}

/** A long draft, with `threads` comment marks spread over its paragraphs (some overlapping). */
function buildDraft(threads: number) {
  const markdown = ['# Scale test', ...Array.from({ length: PARAGRAPHS }, (_, i) => `${words(60, i)}.`)].join(
    '\n\n',
  );
  const ydoc = new Y.Doc();
  Y.applyUpdate(ydoc, markdownToYjsState(markdown));
  const fragment = ydoc.getXmlFragment(CONTENT_FIELD);
  const { doc, meta } = snapshot(fragment);
  const paragraphs: number[] = [];
  doc.forEach((node, offset) => {
    if (node.type.name === 'paragraph') paragraphs.push(offset + 1);
  });
  const mark = contentSchema.marks.comment;
  if (!mark) throw new Error('no comment mark');
  const anchors: { id: string; from: number; to: number }[] = [];
  const tr = EditorState.create({ doc }).tr;
  for (let i = 0; i < threads; i++) {
    const start = (paragraphs[i % paragraphs.length] ?? 1) + ((i * 37) % 300);
    const range = { id: `thread-${i}`, from: start, to: start + 12 + (i % 20) };
    tr.addMark(range.from, range.to, mark.create({ threadId: range.id }));
    anchors.push(range);
  }
  ydoc.transact(() => updateYFragment(ydoc, fragment, tr.doc, meta));
  const text = tr.doc;
  return {
    state: Y.encodeStateAsUpdate(ydoc),
    anchors: anchors.map((a) => ({
      id: a.id,
      anchor: {
        start: encodePosition(relativePositionAt(fragment, a.from, BIND_RIGHT)),
        end: encodePosition(relativePositionAt(fragment, a.to, BIND_LEFT)),
        quote: {
          exact: text.textBetween(a.from, a.to, '\n'),
          prefix: text.textBetween(Math.max(1, a.from - QUOTE_CONTEXT), a.from, '\n'),
          suffix: text.textBetween(a.to, Math.min(text.content.size - 1, a.to + QUOTE_CONTEXT), '\n'),
        },
      },
    })),
  };
}

/** Writes a data directory in lowdb's format (margins.json + documents/), as the server would. */
export function writeDataDir(threads: number): string {
  const dir = makeTempFolder('margins-bench-scale-');
  const { state, anchors } = buildDraft(threads);
  const now = new Date().toISOString();
  const author = {
    id: 'u-1',
    email: 'amina@example.org',
    name: 'Amina Diallo',
    passwordHash: 'x',
    role: 'stakeholder',
  };
  const users = [
    {
      ...author,
      organisation: 'Sahel Budget Watch',
      sector: null,
      country: null,
      language: 'en',
      createdAt: now,
    },
  ];
  const comments = [];
  for (let i = 0; i < anchors.length + (threads ? REPLIES : 0); i++) {
    const threadId = anchors[i % anchors.length]?.id ?? '';
    comments.push({
      id: `c-${i}`,
      threadId,
      draftId: DRAFT,
      authorId: author.id,
      body: `Comment ${i}: ${words(25, i)}`,
      language: 'en',
      createdAt: new Date(Date.parse(now) + i).toISOString(),
      editedAt: null,
      deletedAt: null,
    });
  }
  const index = {
    formatVersion: 1,
    drafts: [
      {
        id: DRAFT,
        title: 'Scale test',
        language: 'en',
        visibility: 'public',
        window: defaultWindow(new Date()),
        createdAt: now,
        updatedAt: now,
      },
    ],
    users,
    sessions: [],
    invites: [],
    threads: anchors.map((a) => ({
      id: a.id,
      draftId: DRAFT,
      anchor: a.anchor,
      section: 'Scale test',
      status: 'open',
      createdBy: author.id,
      createdAt: now,
      resolvedBy: null,
      resolvedAt: null,
      resolutionNote: null,
    })),
    comments,
  };
  writeFileSync(path.join(dir, 'margins.json'), JSON.stringify(index));
  const documents = path.join(dir, 'documents');
  mkdirSync(documents, { recursive: true });
  writeFileSync(
    path.join(documents, `${DRAFT}.json`),
    JSON.stringify({ draftId: DRAFT, state: Buffer.from(state).toString('base64'), savedAt: now }),
  );
  return dir;
}

export const ADMIN = { email: 'bench-admin@example.org', password: 'bench-admin-password' };

/**
 * Opens the draft as an admin; times the highlights, then (once the threads are in the margin)
 * the longest frame while typing.
 */
async function measure(page: Page, expectedThreads: number) {
  await page.goto(`/d/${DRAFT}`);
  await page.waitForFunction(
    ([expected, paragraphs]) => {
      const prose = document.querySelector('.prose');
      if (!prose || prose.querySelectorAll('p').length < paragraphs) return false;
      const ids = new Set<string>();
      for (const el of prose.querySelectorAll<HTMLElement>('[data-thread-id]'))
        ids.add(el.dataset.threadId ?? '');
      return ids.size >= expected;
    },
    [expectedThreads, PARAGRAPHS] as const,
    { polling: 'raf', timeout: 120_000 },
  );
  const loadedMs = await page.evaluate(() => performance.now());
  console.error(`  ${expectedThreads} threads: highlights after ${Math.round(loadedMs)} ms`);
  // Typing is measured in the steady state: once the threads have arrived in the margin.
  if (expectedThreads > 0) await page.getByTestId('thread-card').first().waitFor({ timeout: 120_000 });
  await page.waitForTimeout(1000);
  // Typing: the longest frame while 40 characters go in, one every 40 ms.
  // force: with thousands of cards the margin may still be settling; we measure, not wait.
  await page.locator('.prose p').nth(5).click({ force: true, timeout: 120_000 });
  // A string, not a function: tsx would wrap a named function in a helper the page lacks.
  await page.evaluate(`(() => {
    const frames = [];
    let last = performance.now();
    window.__frames = frames;
    window.__recording = true;
    requestAnimationFrame(function tick(now) {
      frames.push(now - last);
      last = now;
      if (window.__recording) requestAnimationFrame(tick);
    });
  })()`);
  await page.keyboard.type('typing along while thousands of threads', { delay: 40 });
  const frames = await page.evaluate(() => {
    Object.assign(window, { __recording: false });
    return (window as unknown as { __frames: number[] }).__frames.slice(1);
  });
  const long = frames.filter((f) => f > 17);
  console.error(
    `  ${expectedThreads} threads: ${frames.length} frames while typing, ${long.length} over 17 ms: ${long.map((f) => Math.round(f)).join(', ')}`,
  );
  return { loadedMs, maxFrameMs: Math.max(...frames), longFrames: long.length, frames: frames.length };
}

async function run(threads: number) {
  const dataDir = writeDataDir(threads);
  const server = await spawnServer({
    compiled: true,
    dataDir,
    draftsDir: makeTempFolder('margins-bench-none-'),
    env: { MARGINS_ADMIN_EMAIL: ADMIN.email, MARGINS_ADMIN_PASSWORD: ADMIN.password },
  });
  const browser = await chromium.launch(config.use?.launchOptions);
  try {
    const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1440, height: 900 } });
    await context.request.post('/api/auth/login', { data: ADMIN });
    const page = await context.newPage();
    const timing = await measure(page, threads);
    const peak = peakMemoryBytes(server.process.pid ?? 0);
    return { ...timing, peak };
  } finally {
    await browser.close();
    await server.stop();
  }
}

/** Both runs, the reference (no threads) first. */
export async function benchThreadsScale(): Promise<ThreadsScaleResult> {
  const reference = await run(0);
  const loaded = await run(THREADS);
  return {
    threads: THREADS,
    comments: THREADS + REPLIES,
    highlightsMs: loaded.loadedMs,
    referenceMs: reference.loadedMs,
    typingMaxFrameMs: loaded.maxFrameMs,
    referenceTypingMaxFrameMs: reference.maxFrameMs,
    typingLongFrames: [loaded.longFrames, loaded.frames],
    referenceTypingLongFrames: [reference.longFrames, reference.frames],
    serverPeakBytes: loaded.peak,
    referenceServerPeakBytes: reference.peak,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await benchThreadsScale();
  console.log(JSON.stringify(result, null, 2));
}
