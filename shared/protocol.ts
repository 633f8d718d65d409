/**
 * The collaboration channel's wire facts, shared by the server and the client.
 *
 * Message framing is the standard y-websocket protocol (a varuint message type, then the
 * y-protocols payload), so the stock `y-websocket` client works unchanged.
 */

/** Top-level message types of the y-websocket protocol. */
export const MessageType = {
  Sync: 0,
  Awareness: 1,
  Auth: 2,
  QueryAwareness: 3,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** Sub-types inside a `MessageType.Sync` message (see y-protocols/sync). */
export const SyncStep = {
  Step1: 0,
  Step2: 1,
  Update: 2,
} as const;

/**
 * WebSocket close codes the server uses. 1xxx are the standard ones; 4xxx are ours and mirror the
 * HTTP status class they resemble: 44xx means "do not retry as is" (the stock y-websocket client
 * stops reconnecting on 4400–4499), 45xx means "come back" (it reconnects with back-off).
 */
export const CloseCode = {
  /** The server is shutting down or restarting; reconnect later. */
  GoingAway: 1001,
  /** A frame exceeded `Limits.maxMessageBytes` (sent by `ws` itself). */
  MessageTooBig: 1009,
  /** A frame could not be decoded, or was not a binary frame. */
  BadMessage: 4400,
  /** The person lost access to the draft while connected (role or visibility changed). */
  Forbidden: 4403,
  /** The path named a draft that does not exist, or one this person may not read. */
  DraftNotFound: 4404,
  /** An update wrote under a Yjs client id that another connection writes under (or too many ids). */
  ForeignClient: 4409,
  /**
   * An update the server will not apply: it nests deeper than `Limits.maxNestingDepth`, or needs
   * content nobody sent (missing predecessors a stock client always sends first).
   */
  UpdateRefused: 4422,
  /** Too many connections from one client address (`MAX_SOCKETS_PER_ADDRESS`); close some tabs. */
  TooManyConnections: 4429,
  /** The server could not load the draft; try again later. */
  ServerError: 4500,
  /** The draft has as many connections as it accepts (`MAX_SOCKETS_PER_DRAFT`); come back later. */
  DraftFull: 4513,
  /** The client fell so far behind that the server stopped buffering for it; reconnect to resync. */
  TooSlow: 4503,
  /** The client sent more messages than `Limits.messagesPerSecond` allows; reconnect after a pause. */
  RateLimited: 4529,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Close codes after which reconnecting would only fail again (the stock client agrees). */
export function isFinalCloseCode(code: number): boolean {
  return code >= 4400 && code < 4500;
}

export const Limits = {
  /** Largest WebSocket frame accepted; larger frames close the socket with 1009. */
  maxMessageBytes: 8 * 1024 * 1024,
  /**
   * Largest awareness (presence) message accepted from one client. The stock client sends back
   * every presence change it receives, a newcomer's list of everyone present included (about 60
   * bytes a person), so this must hold a full draft's crowd.
   */
  maxAwarenessBytes: 512 * 1024,
  /** Largest presence state of one client (a caret and a name take a few hundred bytes). */
  maxPresenceStateBytes: 4 * 1024,
  /** Awareness client ids one socket may speak for: a tab has exactly one, which it keeps. */
  maxAwarenessClientsPerSocket: 1,
  /**
   * Deepest nesting of elements (and text) in a document, the root's children being at 1. Lists
   * and quotes never need more; it keeps every walk over a draft (the editor's binding, exports,
   * Yjs' own) far from the call stack's limit, which some thousand levels overflow.
   */
  maxNestingDepth: 64,
  /** Yjs client ids one socket may write under (a tab has one; Yjs picks a new one on a clash). */
  maxDocClientsPerSocket: 4,
  /** Sustained message rate per socket, and the burst allowed above it. */
  messagesPerSecond: 100,
  messageBurst: 400,
  /** Bytes queued for one socket beyond which the server gives up on it (close 4503, `CloseCode.TooSlow`). */
  maxBufferedBytes: 16 * 1024 * 1024,
  /** Interval of WebSocket pings; a socket that misses one is terminated. */
  heartbeatMs: 30_000,
} as const;

/** Path prefix of the collaboration endpoint: `ws://host:port/collab/<draftId>`. */
export const COLLAB_PATH = '/collab';
