import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { CONTENT_FIELD } from '../../../shared/drafts.ts';
import { COLLAB_PATH } from '../../../shared/protocol.ts';

/** A stock y-websocket client, as a browser tab would run it, but over `ws` in Node. */
export interface StockClient {
  readonly doc: Y.Doc;
  readonly provider: WebsocketProvider;
  /** Appends a paragraph to the editor content. */
  write(text: string): void;
  /** The editor content as XML text, for comparing clients. */
  content(): string;
  destroy(): void;
}

export function collabUrl(port: number): string {
  return `ws://127.0.0.1:${port}${COLLAB_PATH}`;
}

export function stockClient(port: number, draftId: string): StockClient {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(collabUrl(port), draftId, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    // Providers in one process would otherwise sync through a BroadcastChannel, not the server.
    disableBc: true,
    maxBackoffTime: 200,
  });
  const fragment = doc.getXmlFragment(CONTENT_FIELD);
  return {
    doc,
    provider,
    write(text) {
      const paragraph = new Y.XmlElement('paragraph');
      paragraph.insert(0, [new Y.XmlText(text)]);
      fragment.insert(fragment.length, [paragraph]);
    },
    content: () => fragment.toString(),
    destroy() {
      provider.destroy();
      doc.destroy();
    },
  };
}

export interface RawSocket {
  readonly ws: WebSocket;
  /** Resolves once the socket is open; rejects if it closes first. */
  readonly opened: Promise<void>;
  /** Resolves with the close code and reason the socket ends with. */
  readonly closed: Promise<{ code: number; reason: string }>;
}

/** A bare socket on a draft's collaboration path, for sending what no stock client would. */
export function rawSocket(port: number, draftId: string): RawSocket {
  const ws = new WebSocket(`${collabUrl(port)}/${encodeURIComponent(draftId)}`);
  // The server may reset the connection while we still write (oversized frames): not a failure.
  ws.on('error', () => {});
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    void closed.then(({ code }) => reject(new Error(`closed with ${code} before opening`)));
  });
  opened.catch(() => {});
  return { ws, opened, closed };
}
