import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { AbuseLimits, LimiterFactory } from './abuseLimits.ts';
import { AccountService } from './accounts/accountService.ts';
import { argon2Hasher, type PasswordHasher } from './accounts/passwords.ts';
import { ChangeLogService } from './changelog/changeLogService.ts';
import { ConsultationWatcher } from './changelog/consultationWatcher.ts';
import { EditRecorder } from './changelog/editRecorder.ts';
import type { BackpressureLimits } from './collab/backpressure.ts';
import type { ConnectionCapsOptions } from './collab/connectionCaps.ts';
import type { SaverTiming } from './collab/documentSaver.ts';
import type { Relay } from './collab/relay.ts';
import { RoomRegistry } from './collab/roomRegistry.ts';
import { PostingLimiter } from './contributions/participation.ts';
import { DraftService } from './drafts/draftService.ts';
import { ExportService } from './exports/exportService.ts';
import { clientAddressOf, compileProxyTrust, type TrustProxy } from './http/clientAddress.ts';
import { CollabSocketServer, type MessageLimits } from './http/collabSocket.ts';
import { createHttpApp } from './http/httpApp.ts';
import { ServerMetrics } from './http/metrics.ts';
import { ReportService } from './report/reportService.ts';
import type { Stores } from './storage/stores.ts';
import { completeIntent } from './suggestions/intents.ts';
import { SuggestionService } from './suggestions/suggestionService.ts';
import { ThreadService } from './threads/threadService.ts';
import { ThreadsRoom, threadsDocState } from './threadsRoom.ts';
import { VersionService } from './versions/versionService.ts';

export interface MarginsServerOptions {
  /** The stores every service is given its part of. */
  storage: Stores;
  logger: Logger;
  clientDir: string;
  saverTiming?: SaverTiming;
  version?: string;
  /** Origins besides our own allowed to send state-changing requests and open sockets. */
  allowedOrigins?: readonly string[];
  /** Which proxies may tell the client's address and scheme (`TRUST_PROXY`): none by default. */
  trustProxy?: TrustProxy;
  /** Sign-in, sign-up and posting limits (`SIGN_IN_*`, `SIGN_UPS_*`, `POSTS_*`); defaults otherwise. */
  abuseLimits?: Partial<AbuseLimits>;
  passwords?: PasswordHasher;
  /** Bytes queued for one socket beyond which it is cut at its next message (`MAX_BUFFERED_BYTES_PER_SOCKET`). */
  maxBufferedBytes?: number;
  /** The timed check of every socket's queue (`SOCKET_BEHIND_*`, `MAX_BUFFERED_BYTES_TOTAL`; tests also shorten its timing). */
  backpressure?: Partial<BackpressureLimits>;
  /** Open sockets allowed per client address and per draft (`MAX_SOCKETS_PER_ADDRESS`, `MAX_SOCKETS_PER_DRAFT`). */
  connectionCaps?: ConnectionCapsOptions;
  /** Largest frame and message rate per socket (`MAX_FRAME_BYTES`, `SOCKET_MESSAGES_PER_SECOND`, `SOCKET_MESSAGE_BURST`). */
  messageLimits?: Partial<MessageLimits>;
  /** Overrides how long without an edit ends a person's edit burst in the change log (tests). */
  burstQuietMs?: number;
  /** With several instances on one shared store (PostgreSQL): what carries live traffic between them. */
  relay?: Relay;
  /** Where rate-limit counters are kept: this process's memory by default, Redis with several instances. */
  limiters?: LimiterFactory;
  /** Whether `/metrics` also reports Node's own (memory, event loop, GC): for the process's one server. */
  nodeMetrics?: boolean;
}

export interface MarginsServer {
  readonly http: Server;
  readonly registry: RoomRegistry;
  readonly accounts: AccountService;
  listen(port: number, host: string): Promise<AddressInfo>;
  /** Stops accepting, closes sockets (1001), saves every loaded draft; rejects if a save fails. */
  close(): Promise<void>;
}

/** Wires services, HTTP, the collaboration socket and the room registry onto one port. */
export function createMarginsServer(options: MarginsServerOptions): MarginsServer {
  // Each service declares the stores it uses (`Pick<Stores, …>`) and sees only those of the bundle.
  const { storage, logger } = options;
  const allowedOrigins = options.allowedOrigins ?? [];
  // One trust for HTTP (`req.ip`) and the socket (`clientAddressOf`): both see the same address.
  const proxyTrust = compileProxyTrust(options.trustProxy ?? false);
  const changelog = new ChangeLogService({ storage, logger });
  const recorder = new EditRecorder({ changelog, logger, quietMs: options.burstQuietMs });
  const { relay } = options;
  let stopping = false;
  // Gauges read the sockets and the registry when scraped; both exist by then.
  const metrics = new ServerMetrics(
    {
      sockets: () => collab?.stats() ?? { open: 0, bufferedBytes: 0 },
      draftsLoaded: (): number => registry.loadedDraftIds.length,
    },
    { nodeMetrics: options.nodeMetrics },
  );
  // Built below; the registry reaches it late, for views another instance changed.
  let publisher: ThreadsRoom | undefined;
  const registry: RoomRegistry = new RoomRegistry({
    storage,
    logger,
    saverTiming: options.saverTiming,
    threadsState: (draftId) => threadsDocState(storage, draftId),
    observer: recorder,
    updateLog: storage.updateLog,
    relay,
    metrics: metrics.collab,
    onViewChanged: (change) => {
      publisher?.refresh(change).catch((error: unknown) => {
        logger.warn({ err: error, ...change }, 'could not rebuild a view another instance changed');
      });
    },
  });
  const watcher = new ConsultationWatcher({
    storage,
    changelog,
    logger,
    settleEdits: (draftId) => registry.settle(draftId),
  });
  // The socket server is created after the services it listens to; these arrows reach it late.
  let collab: CollabSocketServer | undefined;
  const accounts = new AccountService({
    storage,
    logger,
    passwords: options.passwords ?? argon2Hasher,
    onRoleChanged: (user) => {
      collab?.roleChanged(user);
      relay?.publishControl({ kind: 'role-changed', userId: user.id });
    },
    limits: options.abuseLimits,
    limiters: options.limiters,
  });
  const drafts = new DraftService({
    storage,
    onSettingsChanged: async (draft, actor) => {
      collab?.draftChanged(draft);
      relay?.publishControl({ kind: 'draft-changed', draftId: draft.id });
      await watcher.check(draft.id, actor.userId);
    },
    beforeSettingsChange: (draft) => watcher.check(draft.id),
  });
  // One posting limit per person, across comments, replies and suggestions (and one per address, in http/).
  const posting = new PostingLimiter({
    perMinute: options.abuseLimits?.postsPerMinutePerAccount,
    limiters: options.limiters,
  });
  // The one writer of threads and suggestions into each draft's threads room.
  publisher = new ThreadsRoom({ storage, live: registry });
  const suggestions = new SuggestionService({
    storage,
    live: registry,
    publisher,
    drafts,
    logger,
    posting,
    changelog,
  });
  const versions = new VersionService({ storage, live: registry, drafts, changelog, logger });
  const reports = new ReportService({ storage, drafts });
  const threads = new ThreadService({
    storage,
    live: registry,
    drafts,
    logger,
    posting,
    publisher,
    changelog,
  });
  collab = new CollabSocketServer({
    registry,
    accounts,
    drafts,
    logger,
    allowedOrigins,
    maxBufferedBytes: options.maxBufferedBytes,
    backpressure: options.backpressure,
    connectionCaps: options.connectionCaps,
    messageLimits: options.messageLimits,
    addressOf: (request) => clientAddressOf(request, proxyTrust),
  });
  // Rights changed on another instance: the sockets here follow at once, as for a change made here.
  relay?.onControl((message) => {
    const follow = async () => {
      if (message.kind === 'role-changed') {
        const user = await storage.accounts.getUser(message.userId);
        if (user) collab?.roleChanged(user);
      } else if (message.kind === 'draft-changed') {
        const draft = await storage.drafts.getDraft(message.draftId);
        if (draft) collab?.draftChanged(draft);
      }
    };
    follow().catch((error: unknown) =>
      logger.warn({ err: error }, 'could not follow a change made on another instance'),
    );
  });
  const app = createHttpApp({
    accounts,
    drafts,
    threads,
    suggestions,
    records: {
      drafts,
      changelog,
      versions,
      reports,
      watcher,
      exports: new ExportService({
        storage,
        live: registry,
        drafts,
        threads,
        suggestions,
        changelog,
        watcher,
      }),
    },
    logger,
    clientDir: options.clientDir,
    version: options.version ?? '0.0.0',
    allowedOrigins,
    proxyTrust,
    abuseLimits: options.abuseLimits,
    limiters: options.limiters,
    sockets: () => collab.stats(),
    probe: async () => ({
      store: { kind: storage.kind ?? 'memory', reachable: await reachable(storage) },
      ...(relay && { relay: { connected: relay.connected } }),
      stopping,
    }),
    metrics: metrics.handler,
  });
  const http = createServer(app);
  http.on('upgrade', collab.handleUpgrade);
  const sockets = collab;

  /** Logs what a crash or stop left in the documents' journals, before anyone connects. */
  const recover = async () => {
    for (const draft of await storage.drafts.listDrafts()) {
      const journal = await storage.drafts.loadJournal(draft.id);
      if (journal.bursts.length === 0 && journal.intents.length === 0) continue;
      await registry.use(draft.id, async (room) => {
        await recorder.recover(room);
        for (const intent of [...room.pendingIntents]) {
          await completeIntent(intent, storage, changelog, draft.id, true);
          room.settleIntent(intent.id);
        }
        await room.flush();
      });
      logger.info(
        { draftId: draft.id, bursts: journal.bursts.length, changes: journal.intents.length },
        'recovered edits and changes not yet logged',
      );
    }
  };

  return {
    http,
    registry,
    accounts,
    listen: async (port, host) => {
      await recover();
      return new Promise<AddressInfo>((resolve, reject) => {
        http.once('error', reject);
        http.listen(port, host, () => {
          http.off('error', reject);
          watcher.start();
          resolve(http.address() as AddressInfo);
        });
      });
    },
    close: async () => {
      stopping = true;
      const httpClosed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      // Sockets first, so that no edit arrives after the final save.
      await sockets.close();
      registry.stop();
      watcher.stop();
      // Edit bursts still open are logged now rather than lost.
      await recorder.settleAll();
      await changelog.settle();
      await registry.flushAll();
      await httpClosed;
    },
  };
}

/** Whether the store answers within 2 s (a store in this process always does). */
async function reachable(storage: Stores): Promise<boolean> {
  if (!storage.ping) return true;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      storage.ping(),
      new Promise((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error('no answer within 2 s')), 2000);
      }),
    ]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
