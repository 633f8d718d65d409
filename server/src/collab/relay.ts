import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

// What the instances serving the same drafts tell each other (issue 14), whatever carries it
// (Redis today: server/src/relay/redisRelay.ts). Each draft has its channel; every message is
// tagged with the instance that sent it, so nobody acts on its own. Only stored updates are
// relayed (with their seq in the draft's update log): an instance that misses one sees the gap
// and reads what it lacks from the store, so a lost message costs time, never content.

export type DraftMessage =
  /**
   * An update stored in the draft's update log as `seq`, sent at `sentAt` (ms since the epoch, for
   * the relay's lag), written by `userId` ('' for the server's own changes).
   */
  | { kind: 'update'; seq: number; update: Uint8Array; sentAt: number; userId: string }
  /**
   * An update the sending instance could not store yet (the store is unreachable): applied as
   * it comes, so live editing goes on; it comes again with its seq once stored.
   */
  | { kind: 'unstored'; update: Uint8Array; userId: string }
  /** Presence of people connected to the sending instance (an awareness update). */
  | { kind: 'presence'; update: Uint8Array }
  /** A thread's or suggestion's view changed: rebuild it from the stored records. */
  | { kind: 'view'; what: 'thread' | 'suggestion'; id: string };

/** Instance-wide news: whose rights changed, so sockets everywhere are checked again. */
export type ControlMessage =
  | { kind: 'role-changed'; userId: string }
  | { kind: 'draft-changed'; draftId: string }
  | { kind: 'heartbeat' };

export interface Relay {
  /** This instance's id, which its messages carry. */
  readonly instanceId: string;
  /**
   * Listens to a draft's channel; resolves once subscribed, so that whatever is stored after
   * that is also heard. Messages of this instance are not passed to `listener`.
   */
  join(draftId: string, listener: (message: DraftMessage, from: string) => void): Promise<void>;
  leave(draftId: string): void;
  /** Sends on a draft's channel; never throws (a message lost is found again through the store). */
  publish(draftId: string, message: DraftMessage): void;
  /** Listens to every instance's control messages (not its own). */
  onControl(listener: (message: ControlMessage, from: string) => void): void;
  publishControl(message: ControlMessage): void;
  /** Whether the relay is connected now (for health and readiness). */
  readonly connected: boolean;
  close(): Promise<void>;
}

const KINDS = ['update', 'presence', 'view', 'unstored'] as const;

/** A draft message as bytes: the sender, the kind, then its fields. */
export function encodeDraftMessage(instanceId: string, message: DraftMessage): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarString(encoder, instanceId);
  encoding.writeVarUint(encoder, KINDS.indexOf(message.kind));
  switch (message.kind) {
    case 'update':
      encoding.writeVarUint(encoder, message.seq);
      encoding.writeVarUint(encoder, message.sentAt);
      encoding.writeVarString(encoder, message.userId);
      encoding.writeVarUint8Array(encoder, message.update);
      break;
    case 'unstored':
      encoding.writeVarString(encoder, message.userId);
      encoding.writeVarUint8Array(encoder, message.update);
      break;
    case 'presence':
      encoding.writeVarUint8Array(encoder, message.update);
      break;
    case 'view':
      encoding.writeVarString(encoder, message.what);
      encoding.writeVarString(encoder, message.id);
      break;
  }
  return encoding.toUint8Array(encoder);
}

/** The sender and message of `bytes`; undefined for bytes no instance of this version sends. */
export function decodeDraftMessage(bytes: Uint8Array): { from: string; message: DraftMessage } | undefined {
  try {
    const decoder = decoding.createDecoder(bytes);
    const from = decoding.readVarString(decoder);
    const kind = KINDS[decoding.readVarUint(decoder)];
    switch (kind) {
      case 'update': {
        const seq = decoding.readVarUint(decoder);
        const sentAt = decoding.readVarUint(decoder);
        const userId = decoding.readVarString(decoder);
        return { from, message: { kind, seq, sentAt, userId, update: decoding.readVarUint8Array(decoder) } };
      }
      case 'unstored': {
        const userId = decoding.readVarString(decoder);
        return { from, message: { kind, userId, update: decoding.readVarUint8Array(decoder) } };
      }
      case 'presence':
        return { from, message: { kind, update: decoding.readVarUint8Array(decoder) } };
      case 'view': {
        const what = decoding.readVarString(decoder);
        if (what !== 'thread' && what !== 'suggestion') return undefined;
        return { from, message: { kind, what, id: decoding.readVarString(decoder) } };
      }
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}
