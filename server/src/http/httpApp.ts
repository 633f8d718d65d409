import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { ErrorCode, errorEnvelope } from '../../../shared/errors.ts';
import type { Storage } from '../storage/storage.ts';

export interface HttpDeps {
  storage: Storage;
  logger: Logger;
  /** Folder of the built client; served with a fallback to index.html for client routes. */
  clientDir: string;
  version: string;
}

/** The Express application: the JSON API under /api, the built client everywhere else. */
export function createHttpApp({ storage, logger, clientDir, version }: HttpDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');

  app.get('/api/health', (_req, res) => {
    res.json({ status: 'ok', version, uptimeSeconds: Math.round(process.uptime()) });
  });

  app.get('/api/drafts', async (_req, res) => {
    const drafts = await storage.listDrafts();
    drafts.sort((a, b) => a.title.localeCompare(b.title));
    res.json(drafts);
  });

  app.get('/api/drafts/:draftId', async (req, res) => {
    const draft = await storage.getDraft(req.params.draftId);
    if (!draft) {
      res.status(404).json(errorEnvelope(ErrorCode.NotFound, `There is no draft "${req.params.draftId}"`));
      return;
    }
    res.json(draft);
  });

  app.use('/api', (req, res) => {
    res.status(404).json(errorEnvelope(ErrorCode.NotFound, `No API endpoint ${req.method} ${req.path}`));
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

  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = (error as { status?: number }).status ?? 500;
    if (status >= 500) logger.error({ err: error }, 'request failed');
    const code = status >= 500 ? ErrorCode.Internal : ErrorCode.BadRequest;
    res.status(status).json(errorEnvelope(code, status >= 500 ? 'Internal server error' : String(error)));
  });

  return app;
}
