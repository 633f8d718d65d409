import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import { MessageType } from '../../../shared/protocol.ts';
import { sendToAll } from './fanOut.ts';
import type { Peer } from './peer.ts';

/**
 * A client's unchanged presence is passed on at most this often. Clients repeat their state every
 * 15 s and drop others' states not heard of for 30 s (y-protocols' `outdatedTimeout`), so each
 * repeat is relayed, but one repeated faster than this is not.
 */
const RENEWAL_MS = 12_000;

/**
 * Presence changes wait this long per connected peer before being sent, so that a draft with
 * thousands of readers sends a bounded number of frames per second (about 20,000 at most) instead
 * of one frame to every peer for every change. Small rooms wait for the next event-loop turn only.
 */
const WINDOW_MS_PER_PEER = 1 / 20;
const MAX_WINDOW_MS = 250;
const PEERS_BEFORE_WINDOW = 100;

export function presenceWindowMs(peers: number): number {
  return peers < PEERS_BEFORE_WINDOW ? 0 : Math.min(MAX_WINDOW_MS, peers * WINDOW_MS_PER_PEER);
}

/**
 * Relays a room's presence (awareness) in batches: every change of one window is merged into one
 * encoded frame, each client's latest state once, sent once to every peer — O(peers) work per
 * batch however many changed, where relaying each update as it came was O(peers²).
 */
export class PresenceRelay {
  /** Clients whose state (or departure) the next batch carries. */
  private readonly pending = new Set<number>();
  /** What was last relayed of each present client, and when. */
  private readonly relayed = new Map<number, { json: string; at: number }>();
  private timer: NodeJS.Timeout | undefined;
  private scheduled = false;
  private disposed = false;
  /** Everyone's presence encoded for a joiner; valid until the next batch goes out. */
  private everyone: Uint8Array | undefined;

  constructor(
    private readonly awareness: awarenessProtocol.Awareness,
    private readonly peers: () => Iterable<Peer>,
    private readonly peerCount: () => number,
    private readonly windowMs: (peers: number) => number = presenceWindowMs,
    private readonly now: () => number = Date.now,
  ) {
    awareness.on('update', this.onUpdate);
  }

  /** The frame that tells a new peer who is here (undefined when nobody is). */
  snapshot(): Uint8Array | undefined {
    if (this.everyone) return this.everyone;
    const present = [...this.awareness.getStates().keys()];
    if (present.length === 0) return undefined;
    // Cached until the next batch: anything that changes meanwhile is pending, so that batch
    // brings the joiner up to date too.
    this.everyone = awarenessFrame(awarenessProtocol.encodeAwarenessUpdate(this.awareness, present));
    return this.everyone;
  }

  dispose(): void {
    this.disposed = true;
    this.awareness.off('update', this.onUpdate);
    clearTimeout(this.timer);
    this.pending.clear();
  }

  private readonly onUpdate = ({
    added,
    updated,
    removed,
  }: {
    added: number[];
    updated: number[];
    removed: number[];
  }): void => {
    const now = this.now();
    for (const clientId of removed) {
      this.relayed.delete(clientId);
      this.pending.add(clientId);
    }
    for (const clientId of [...added, ...updated]) {
      const json = JSON.stringify(this.awareness.getStates().get(clientId) ?? null);
      const last = this.relayed.get(clientId);
      // A repeat of the same state (a renewal, or a reader's caret that the room does not relay)
      // costs every peer a message for nothing; it is passed on only as often as clients need.
      if (last && last.json === json && now - last.at < RENEWAL_MS) continue;
      this.relayed.set(clientId, { json, at: now });
      this.pending.add(clientId);
    }
    if (this.pending.size > 0) this.schedule();
  };

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const wait = this.windowMs(this.peerCount());
    if (wait === 0) setImmediate(this.flush);
    else {
      this.timer = setTimeout(this.flush, wait);
      this.timer.unref();
    }
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    this.timer = undefined;
    this.everyone = undefined;
    if (this.disposed || this.pending.size === 0) return;
    const changed = [...this.pending];
    this.pending.clear();
    const frame = awarenessFrame(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
    sendToAll([...this.peers()], frame);
  };
}

export function awarenessFrame(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.Awareness);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}
