import type { Peer } from './peer.ts';

/** Peers sent to in one go before the event loop gets a turn (about 2 ms of `ws.send`). */
const PEERS_PER_TURN = 200;

/**
 * Sends one message to many peers, a slice per event-loop turn, so that a batch for a crowd of
 * thousands does not hold up a REST request or an editor's update for tens of milliseconds. A
 * peer that left meanwhile ignores the message (its `send` does nothing once closed).
 */
export function sendToAll(peers: readonly Peer[], message: Uint8Array): void {
  let next = 0;
  const slice = (): void => {
    const end = Math.min(peers.length, next + PEERS_PER_TURN);
    for (; next < end; next++) peers[next]?.send(message);
    if (next < peers.length) setImmediate(slice);
  };
  slice();
}
