import { setTimeout as sleep } from 'node:timers/promises';
import * as Y from 'yjs';
import { markdownToYjsState, parseDraftFile } from '../server/src/drafts/markdown.ts';
import { CONTENT_FIELD } from '../shared/drafts.ts';
import {
  type BenchServer,
  type Client,
  connectClient,
  cpuSeconds,
  otherCpuMeter,
  peakMemoryBytes,
  residentMemoryBytes,
  until,
} from './servers.ts';

export const FANOUT_DRAFT_ID = 'fanout-bench';

/** The draft every fan-out client opens: a heading and one paragraph per writer to type into. */
export const FANOUT_DRAFT = `---
title: Fan-out bench
language: en
---

# Fan-out bench

${Array.from({ length: 10 }, (_, i) => `Paragraph ${i + 1} of the consultation draft, where someone is typing.`).join('\n\n')}
`;

export interface FanoutOptions {
  clients: number;
  writers: number;
  editsPerSecond: number;
  durationMs: number;
}

export const DEFAULT_FANOUT: FanoutOptions = {
  clients: 200,
  writers: 10,
  editsPerSecond: 5,
  durationMs: 10_000,
};

export interface FanoutResult {
  server: BenchServer['name'];
  /** Server CPU (user + system) from the first edit until every edit reached every client. */
  cpuSeconds: number;
  p50Ms: number;
  p99Ms: number;
  peakMemoryBytes: number;
  /** Resident memory with every client connected and synced, before anyone types. */
  openMemoryBytes: number;
  /** VmHWM before the first client connected: what starting the server took. */
  startupPeakBytes: number;
  /**
   * CPU seconds used in the window by everything else on the machine (neither the server nor the
   * bench process): above a few tenths, someone else's work has disturbed the run.
   */
  otherCpuSeconds: number;
  /** Deliveries seen and expected (edits × other clients). */
  delivered: number;
  expected: number;
  /** Time for all clients to connect, sync and see each other's presence. */
  connectMs: number;
}

/** One sent edit: the writer's clock once the edit was made, and when it was made. */
export interface SentEdit {
  clock: number;
  sentAt: number;
}

/** The reference server starts empty: pushes the fan-out draft into `room` as a client would. */
export async function seedFanoutRoom(server: BenchServer, room: string): Promise<void> {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, markdownToYjsState(parseDraftFile(FANOUT_DRAFT).body));
  const seed = connectClient(server, room, doc);
  await seed.synced;
  // The server has the content once a fresh client receives it.
  const probe = new Y.Doc();
  const check = connectClient(server, room, probe);
  await check.synced;
  await until(
    () => probe.getXmlFragment(CONTENT_FIELD).length > 0,
    10_000,
    'the reference to hold the draft',
  );
  for (const client of [seed, check]) client.provider.destroy();
  doc.destroy();
  probe.destroy();
}

/**
 * Connects `clients` plain Y.Doc clients to `room`; `writers` of them type a few characters into
 * their own paragraph `editsPerSecond` times a second for `durationMs`. Every client records,
 * for every edit of another writer, the time from the edit to the update that brought it.
 */
export async function runFanout(
  server: BenchServer,
  room: string,
  options: FanoutOptions = DEFAULT_FANOUT,
): Promise<FanoutResult> {
  // Each stock provider adds a process 'exit' listener.
  process.setMaxListeners(options.clients + 10);
  const sent = new Map<number, SentEdit[]>();
  const latencies: number[] = [];
  const startupPeak = peakMemoryBytes(server.pid);
  const connectStart = performance.now();
  const docs = Array.from({ length: options.clients }, () => new Y.Doc());
  for (const doc of docs) trackDeliveries(doc, sent, latencies);
  const clients = docs.map((doc) => connectClient(server, room, doc));
  await withDeadline(Promise.all(clients.map((client) => client.synced)), 60_000, 'clients to sync');
  await until(() => clients.every(knowsEveryone(options.clients)), 60_000, 'presence to settle');
  const connectMs = performance.now() - connectStart;
  const openMemory = residentMemoryBytes(server.pid);
  if (connectMs + options.durationMs > 14_000) {
    console.warn(
      `  connecting took ${(connectMs / 1000).toFixed(1)} s: presence renewals may fall in the window`,
    );
  }

  const writers = docs.slice(0, options.writers);
  for (const writer of writers) sent.set(writer.clientID, []);
  const editsPerWriter = Math.floor((options.durationMs / 1000) * options.editsPerSecond);
  const expected = editsPerWriter * options.writers * (options.clients - 1);

  const cpuBefore = cpuSeconds(server.pid);
  const otherCpu = otherCpuMeter([server.pid]);
  await typeOnSchedule(writers, sent, options, editsPerWriter);
  await until(() => latencies.length >= expected, 30_000, 'every edit to reach every client');
  const cpu = cpuSeconds(server.pid) - cpuBefore;
  const other = otherCpu();
  const peak = peakMemoryBytes(server.pid);

  for (const client of clients) client.provider.destroy();
  for (const doc of docs) doc.destroy();
  const sorted = Float64Array.from(latencies).sort();
  return {
    server: server.name,
    cpuSeconds: cpu,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    peakMemoryBytes: peak,
    openMemoryBytes: openMemory,
    startupPeakBytes: startupPeak,
    otherCpuSeconds: other,
    delivered: latencies.length,
    expected,
    connectMs,
  };
}

/** The q-quantile of sorted samples (nearest rank). */
export function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

/**
 * On every update `doc` receives, records the latency of each writer edit it newly covers;
 * `onNothingNew` hears of a received update (once writers type) that brought no edit it lacked.
 */
export function trackDeliveries(
  doc: Y.Doc,
  sent: Map<number, SentEdit[]>,
  latencies: number[],
  onNothingNew: () => void = () => {},
): void {
  const seen = new Map<number, number>();
  doc.on('update', (_update: Uint8Array, origin: unknown) => {
    const now = performance.now();
    let brought = false;
    for (const [writer, edits] of sent) {
      if (writer === doc.clientID) continue;
      // Y.getState is the next clock expected from `writer`: every edit up to it is here.
      const state = Y.getState(doc.store, writer);
      let next = seen.get(writer) ?? 0;
      for (let edit = edits[next]; edit && edit.clock <= state; edit = edits[++next]) {
        latencies.push(now - edit.sentAt);
        brought = true;
      }
      seen.set(writer, next);
    }
    // The client's own edits have no origin; what the provider applies has one.
    if (!brought && origin !== null && sent.size > 0) onNothingNew();
  });
}

/** Writer w makes its k-th edit at k/editsPerSecond + w/(writers·editsPerSecond) seconds. */
export async function typeOnSchedule(
  writers: Y.Doc[],
  sent: Map<number, SentEdit[]>,
  options: FanoutOptions,
  editsPerWriter: number,
): Promise<void> {
  const period = 1000 / options.editsPerSecond;
  const texts = writers.map((doc, w) => paragraphText(doc, w));
  const start = performance.now();
  for (let k = 0; k < editsPerWriter; k++) {
    for (let w = 0; w < writers.length; w++) {
      const wait = start + k * period + (w * period) / writers.length - performance.now();
      if (wait > 1) await sleep(wait);
      const doc = writers[w];
      const text = texts[w];
      if (!doc || !text) continue;
      const sentAt = performance.now();
      // Like typing: one to three characters at the end of the writer's own paragraph.
      text.insert(text.length, 'typing'.slice(0, 1 + (k % 3)));
      sent.get(doc.clientID)?.push({ clock: Y.getState(doc.store, doc.clientID), sentAt });
    }
  }
}

/** The text of the w-th paragraph of the draft. */
function paragraphText(doc: Y.Doc, w: number): Y.XmlText {
  const paragraphs = doc
    .getXmlFragment(CONTENT_FIELD)
    .toArray()
    .filter((node): node is Y.XmlElement => node instanceof Y.XmlElement && node.nodeName === 'paragraph');
  const text = paragraphs[w % paragraphs.length]?.get(0);
  if (!(text instanceof Y.XmlText)) throw new Error('the fan-out draft has no paragraph text to type into');
  return text;
}

function knowsEveryone(count: number): (client: Client) => boolean {
  return (client) => client.provider.awareness.getStates().size >= count;
}

async function withDeadline<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
