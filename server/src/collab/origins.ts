import type { Peer } from './peer.ts';

/**
 * The one definition of who makes a Yjs transaction on the server's documents. Every transaction
 * has one of these as its origin:
 * - `FROM_STORAGE`: the room loading the stored state (nobody's edit);
 * - `FROM_LOG`: another instance's stored update (see `LogFollower`);
 * - a `Peer`: a connected person's update, applied by the room with the peer as origin;
 * - a `ServerChange`: the server itself doing a named thing (marking a thread's passage,
 *   accepting a suggestion…), which has its own change-log entry.
 * Read an origin only through `originOf`; nothing else looks inside `transaction.origin`.
 */
export const FROM_STORAGE: unique symbol = Symbol('from-storage');

/**
 * Another instance's stored update of the draft (relayed, or read from the update log to fill a
 * gap), or its people's presence: already stored, so not appended again, only passed on.
 */
export const FROM_LOG: unique symbol = Symbol('from-log');

/** Something the server itself does to a document; its name shows in logs. */
export class ServerChange {
  constructor(readonly name: string) {}
}

/** The server's own changes to documents, one origin each. */
export const ServerChanges = {
  /** A thread's mark on its passage, or a thread's view in the side channel. */
  threadAnchoring: new ServerChange('thread-anchoring'),
  /** A suggestion's mark on its passage (set or removed), or its view in the side channel. */
  suggestionAnchoring: new ServerChange('suggestion-anchoring'),
  /** An accepted suggestion's words replacing the passage. */
  suggestionAccepted: new ServerChange('suggestion-accepted'),
  /** A reverted acceptance: the replaced content restored. */
  suggestionReverted: new ServerChange('suggestion-reverted'),
} as const;

export type TransactionOrigin =
  | { kind: 'storage' }
  | { kind: 'log' }
  | { kind: 'person'; peer: Peer }
  | { kind: 'server'; change: ServerChange }
  /** No origin, or one of a library's own (a headless editor's binding inside a server change). */
  | { kind: 'other' };

/** What a transaction's `origin` says about who made it. */
export function originOf(origin: unknown): TransactionOrigin {
  if (origin === FROM_STORAGE) return { kind: 'storage' };
  if (origin === FROM_LOG) return { kind: 'log' };
  if (origin instanceof ServerChange) return { kind: 'server', change: origin };
  if (isPeer(origin)) return { kind: 'person', peer: origin };
  return { kind: 'other' };
}

function isPeer(origin: unknown): origin is Peer {
  return (
    typeof origin === 'object' &&
    origin !== null &&
    'send' in origin &&
    'canWrite' in origin &&
    typeof (origin as { send: unknown }).send === 'function'
  );
}
