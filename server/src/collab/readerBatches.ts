import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { MessageType } from '../../../shared/protocol.ts';
import { sendToAll } from './fanOut.ts';
import type { Peer } from './peer.ts';

/**
 * Document updates for the people who only read, in a crowded draft: merged over a short window
 * (the presence window, see `presenceWindowMs`) and sent as one message, so that ten people typing
 * cost each of two thousand readers a few messages a second rather than one per keystroke. Those
 * who edit still get every update at once. Yjs updates commute, so a reader who gets them later
 * (or twice, after a sync step 2) ends with the same document.
 */
export class ReaderBatches {
  private pending: Uint8Array[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly readers: () => Iterable<Peer>,
    private readonly windowMs: () => number,
  ) {}

  /** Whether updates to readers wait for a batch now (in a small room they go at once). */
  get batching(): boolean {
    return this.windowMs() > 0;
  }

  add(update: Uint8Array): void {
    this.pending.push(update);
    if (this.timer) return;
    this.timer = setTimeout(this.flush, this.windowMs());
    this.timer.unref();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
  }

  /**
   * Sends what waits now, to those who read now: before a reader becomes an editor (who gets
   * updates at once from then on, and would otherwise miss the waiting ones).
   */
  readonly flush = (): void => {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    // Our own, already-applied updates: safe to merge (untrusted bytes never reach mergeUpdates).
    const update = batch.length === 1 ? (batch[0] as Uint8Array) : Y.mergeUpdates(batch);
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.Sync);
    syncProtocol.writeUpdate(encoder, update);
    const message = encoding.toUint8Array(encoder);
    sendToAll([...this.readers()], message);
  };
}
