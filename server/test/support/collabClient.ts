import * as decoding from 'lib0/decoding';
import { type ClientOptions, type RawData, WebSocket } from 'ws';
import * as authProtocol from 'y-protocols/auth';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { CONTENT_FIELD } from '../../../shared/drafts.ts';
import { COLLAB_PATH, MessageType } from '../../../shared/protocol.ts';

/** Who a socket claims to be: the session cookie, and the page origin a browser would send. */
export interface SocketIdentity {
  /** A `Cookie` header value, e.g. `margins_session=…` (see `support/identities.ts`). */
  cookie?: string;
  /** An `Origin` header value; scripts and the Node client send none. */
  origin?: string;
}

/** A stock y-websocket client, as a browser tab would run it, but over `ws` in Node. */
export interface StockClient {
  readonly doc: Y.Doc;
  readonly provider: WebsocketProvider;
  /** Reasons of every y-protocols "permission denied" message the server sent this client. */
  readonly permissionDenied: string[];
  /** Appends a paragraph to the editor content. */
  write(text: string): void;
  /** The editor content as XML text, for comparing clients. */
  content(): string;
  destroy(): void;
}

export function collabUrl(port: number): string {
  return `ws://127.0.0.1:${port}${COLLAB_PATH}`;
}

function headersOf(identity: SocketIdentity): Record<string, string> {
  const headers: Record<string, string> = {};
  if (identity.cookie) headers.cookie = identity.cookie;
  if (identity.origin) headers.origin = identity.origin;
  return headers;
}

/** The provider switches its sockets to ArrayBuffer; raw sockets keep Node's Buffer. */
function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  return new Uint8Array(data);
}

/** The reason of a y-protocols "permission denied" message, or undefined for any other message. */
function permissionDeniedReason(message: Uint8Array): string | undefined {
  try {
    const decoder = decoding.createDecoder(message);
    if (decoding.readVarUint(decoder) !== MessageType.Auth) return undefined;
    if (decoding.readVarUint(decoder) !== 0) return undefined; // y-protocols/auth messagePermissionDenied
    return decoding.readVarString(decoder);
  } catch {
    return undefined;
  }
}

/**
 * A stock client of `draftId` on the server at `port`; with `doc`, one that goes on with a
 * document it already has (a tab whose load balancer now sends it to another instance).
 */
export function stockClient(
  port: number,
  draftId: string,
  identity: SocketIdentity = {},
  doc: Y.Doc = new Y.Doc(),
): StockClient {
  const permissionDenied: string[] = [];
  const options: ClientOptions = { headers: headersOf(identity) };
  // The stock provider calls `new WebSocketPolyfill(url, protocols)`: this subclass adds the
  // headers a browser adds by itself (cookie, origin).
  class IdentifiedWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, options);
    }
  }
  const provider = new WebsocketProvider(collabUrl(port), draftId, doc, {
    WebSocketPolyfill: IdentifiedWebSocket as unknown as typeof globalThis.WebSocket,
    // Providers in one process would otherwise sync through a BroadcastChannel, not the server.
    disableBc: true,
    maxBackoffTime: 200,
  });
  // The stock provider only logs "permission denied" (y-protocols/auth); note it instead, as the
  // web client does, so tests can assert it. `messageHandlers` is the provider's own copy.
  provider.messageHandlers[MessageType.Auth] = (_encoder, decoder) => {
    authProtocol.readAuthMessage(decoder, doc, (_doc, reason) => permissionDenied.push(reason));
  };
  const fragment = doc.getXmlFragment(CONTENT_FIELD);
  return {
    doc,
    provider,
    permissionDenied,
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
  /** Resolves with the HTTP status if the server answered the upgrade with a plain HTTP response. */
  readonly refused: Promise<number>;
  /** Every binary message the server sent, in order. */
  readonly received: Uint8Array[];
}

/** A bare socket on a draft's collaboration path, for sending what no stock client would. */
export function rawSocket(port: number, draftId: string, identity: SocketIdentity = {}): RawSocket {
  const ws = new WebSocket(`${collabUrl(port)}/${encodeURIComponent(draftId)}`, {
    headers: headersOf(identity),
  });
  const received: Uint8Array[] = [];
  ws.on('message', (data: RawData) => received.push(toBytes(data)));
  // The server may reset the connection while we still write (oversized frames): not a failure.
  ws.on('error', () => {});
  const refused = new Promise<number>((resolve) => {
    ws.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      ws.terminate(); // ends the handshake: `closed` resolves (1006) and `opened` rejects
    });
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    void closed.then(({ code }) => reject(new Error(`closed with ${code} before opening`)));
  });
  opened.catch(() => {});
  return { ws, opened, closed, refused, received };
}

/** Reasons of the "permission denied" messages among `messages`. */
export function permissionDeniedReasons(messages: readonly Uint8Array[]): string[] {
  return messages.map(permissionDeniedReason).filter((reason) => reason !== undefined);
}
