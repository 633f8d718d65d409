import { existsSync } from 'node:fs';
import path from 'node:path';
import compression from 'compression';
import express from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { ErrorCode, errorEnvelope } from '../../../shared/errors.ts';
import { VERIFIER_FILE } from '../../../shared/exports.ts';
import type { AbuseLimits, LimiterFactory } from '../abuseLimits.ts';
import type { AccountService } from '../accounts/accountService.ts';
import type { DraftService } from '../drafts/draftService.ts';
import type { SuggestionService } from '../suggestions/suggestionService.ts';
import type { ThreadService } from '../threads/threadService.ts';
import { AddressLimits } from './addressLimits.ts';
import { adminRoutes } from './adminRoutes.ts';
import { authRoutes } from './authRoutes.ts';
import type { ProxyTrust } from './clientAddress.ts';
import { draftRoutes } from './draftRoutes.ts';
import { errorHandler } from './errors.ts';
import { originAllowed } from './origin.ts';
import { type RecordServices, recordRoutes } from './recordRoutes.ts';
import { identify } from './session.ts';
import { suggestionRoutes } from './suggestionRoutes.ts';
import { threadRoutes } from './threadRoutes.ts';

export interface HttpDeps {
  accounts: AccountService;
  drafts: DraftService;
  threads: ThreadService;
  suggestions: SuggestionService;
  records: RecordServices;
  logger: Logger;
  /** Folder of the built client; served with a fallback to index.html for client routes. */
  clientDir: string;
  version: string;
  /** Origins besides our own that may send state-changing requests and open sockets. */
  allowedOrigins: readonly string[];
  /** Which proxies' X-Forwarded-* headers to believe (Express's `trust proxy`, compiled once). */
  proxyTrust: ProxyTrust;
  /** Sign-ups and posts per address (`SIGN_UPS_*`, `POSTS_PER_MINUTE_PER_ADDRESS`); defaults otherwise. */
  abuseLimits?: Partial<AbuseLimits>;
  /** Where the per-address counters are kept (shared by every instance when there are several). */
  limiters?: LimiterFactory;
  /** The collaboration sockets right now, for the health check. */
  sockets: () => SocketHealth;
  /** The store and the relay right now, and whether the server is stopping (health and readiness). */
  probe: () => Promise<Probe>;
  /** `GET /metrics` (Prometheus). */
  metrics: express.RequestHandler;
}

/** What `/api/health` and `/api/ready` report of what the server depends on. */
export interface Probe {
  store: { kind: 'lowdb' | 'memory' | 'postgres'; reachable: boolean };
  /** Redis between instances; absent with one instance. */
  relay?: { connected: boolean };
  stopping: boolean;
}

/** What `/api/health` reports of the collaboration sockets. */
export interface SocketHealth {
  /** Open sockets. */
  open: number;
  /** Bytes queued in the server for all sockets, not yet taken by the network. */
  bufferedBytes: number;
  /** The server-wide limit on `bufferedBytes` (`MAX_BUFFERED_BYTES_TOTAL`). */
  bufferedBytesLimit: number;
  /** Sockets that are behind (more than `SOCKET_BEHIND_BYTES` queued). */
  behind: number;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The Express application: the JSON API under /api, the built client everywhere else. */
export function createHttpApp(deps: HttpDeps): express.Express {
  const { accounts, drafts, threads, suggestions, records, logger, clientDir, version, allowedOrigins } =
    deps;
  const app = express();
  app.disable('x-powered-by');
  // The same function gives the socket its client address (clientAddress.ts), so both agree.
  app.set('trust proxy', deps.proxyTrust);
  const perAddress = new AddressLimits(deps.abuseLimits, deps.limiters);
  // gzip for what compresses (the client's scripts, styles, JSON, CSV): a visitor on a slow link
  // downloads a third of the bytes before the draft's words. The socket is not Express's.
  app.use(compression());

  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          // ProseMirror decorations (other people's selections) set style attributes.
          'style-src': ["'self'", "'unsafe-inline'"],
          'connect-src': ["'self'"],
          'img-src': ["'self'", 'data:'],
          // Same-origin only: the CSP default's `upgrade-insecure-requests` would break plain-http installs.
          'upgrade-insecure-requests': null,
        },
      },
    }),
  );

  // Cross-site request forgery: refuse state changes that a browser says come from another site.
  // Sec-Fetch-Site first (modern browsers), else Origin; scripts send neither and need only the cookie.
  app.use('/api', (req, res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const origin = req.get('origin');
    const site = req.get('sec-fetch-site');
    // An origin the admin listed is trusted even though the browser calls it cross-site.
    const listed = origin !== undefined && allowedOrigins.includes(origin);
    const crossSite = site ? site !== 'same-origin' && site !== 'none' : false;
    if (!listed && (crossSite || !originAllowed(origin, req.get('host'), allowedOrigins))) {
      res
        .status(403)
        .json(errorEnvelope(ErrorCode.CrossSite, 'Requests from other sites may not change anything here.'));
      return;
    }
    next();
  });

  // Before anything reads a session: they answer while the store is unreachable too.
  app.get('/api/health', async (_req, res) => {
    const probe = await deps.probe();
    const degraded = !probe.store.reachable || probe.relay?.connected === false;
    res.json({
      status: degraded ? 'degraded' : 'ok',
      version,
      uptimeSeconds: Math.round(process.uptime()),
      sockets: deps.sockets(),
      store: probe.store,
      ...(probe.relay && { relay: probe.relay }),
      stopping: probe.stopping,
    });
  });
  /** For load balancers: 200 only while this instance can serve (store and Redis reachable, not stopping). */
  app.get('/api/ready', async (_req, res) => {
    const probe = await deps.probe();
    const reasons = [
      ...(probe.stopping ? ['stopping'] : []),
      ...(probe.store.reachable ? [] : ['store unreachable']),
      ...(probe.relay?.connected === false ? ['Redis unreachable'] : []),
    ];
    res.status(reasons.length === 0 ? 200 : 503).json({ ready: reasons.length === 0, reasons });
  });
  app.get('/metrics', deps.metrics);

  app.use('/api', express.json({ limit: '64kb' }));
  app.use('/api', async (req, res, next) => {
    Object.assign(res.locals, await identify(accounts, req));
    next();
  });
  app.use('/api', authRoutes(accounts, perAddress));
  app.use('/api', adminRoutes(accounts));
  app.use('/api', draftRoutes(drafts));
  app.use('/api', threadRoutes(threads, perAddress));
  app.use('/api', suggestionRoutes(suggestions, perAddress));
  app.use('/api', recordRoutes(records));

  app.use('/api', (req, res) => {
    res.status(404).json(errorEnvelope(ErrorCode.NotFound, `No API endpoint ${req.method} ${req.path}`));
  });

  // The change-log verifier, one file that runs with plain `node` (built with the client by
  // `npm run build`), for anyone to check a downloaded change log without cloning Margins.
  const verifier = path.join(clientDir, VERIFIER_FILE);
  app.get(`/${VERIFIER_FILE}`, (_req, res) => {
    if (!existsSync(verifier)) {
      res
        .status(503)
        .json(errorEnvelope(ErrorCode.ClientNotBuilt, 'The verifier is not built yet: run `npm run build`.'));
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.attachment(VERIFIER_FILE);
    res.type('text/javascript; charset=utf-8');
    res.sendFile(verifier);
  });

  const indexHtml = path.join(clientDir, 'index.html');
  app.use(express.static(clientDir, { index: false, maxAge: '1h' }));
  app.get('/{*path}', (_req, res) => {
    if (!existsSync(indexHtml)) {
      res
        .status(503)
        .json(
          errorEnvelope(ErrorCode.ClientNotBuilt, 'The web client is not built yet: run `npm run build`.'),
        );
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(indexHtml);
  });

  app.use(errorHandler(logger));
  return app;
}
