import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { SaverTiming } from './collab/documentSaver.ts';
import { RoomRegistry } from './collab/roomRegistry.ts';
import { CollabSocketServer } from './collab/socketAdapter.ts';
import { createHttpApp } from './http/httpApp.ts';
import type { Storage } from './storage/storage.ts';

export interface MarginsServerOptions {
  storage: Storage;
  logger: Logger;
  clientDir: string;
  saverTiming?: SaverTiming;
  version?: string;
  /** Overrides `Limits.maxBufferedBytes` (tests). */
  maxBufferedBytes?: number;
}

export interface MarginsServer {
  readonly http: Server;
  readonly registry: RoomRegistry;
  listen(port: number, host: string): Promise<AddressInfo>;
  /** Stops accepting, closes sockets (1001), saves every loaded draft; rejects if a save fails. */
  close(): Promise<void>;
}

/** Wires HTTP, the collaboration socket and the room registry onto one port. */
export function createMarginsServer(options: MarginsServerOptions): MarginsServer {
  const { storage, logger } = options;
  const registry = new RoomRegistry(storage, logger, options.saverTiming);
  const app = createHttpApp({
    storage,
    logger,
    clientDir: options.clientDir,
    version: options.version ?? '0.0.0',
  });
  const http = createServer(app);
  const collab = new CollabSocketServer(registry, logger, options.maxBufferedBytes);
  http.on('upgrade', collab.handleUpgrade);

  return {
    http,
    registry,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(port, host, () => {
          http.off('error', reject);
          resolve(http.address() as AddressInfo);
        });
      }),
    close: async () => {
      const httpClosed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      // Sockets first, so that no edit arrives after the final save.
      await collab.close();
      await registry.flushAll();
      await httpClosed;
    },
  };
}
