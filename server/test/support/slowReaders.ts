import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

/** The TCP socket under a `ws` WebSocket (the stock provider's `provider.ws` is one too). */
function tcpOf(ws: WebSocket | globalThis.WebSocket): Socket {
  const socket = (ws as unknown as { _socket?: Socket })._socket;
  if (!socket) throw new Error('the WebSocket is not open');
  return socket;
}

/**
 * Stops reading from the socket: the kernel's buffers fill, then the server's queue for it grows,
 * as with a client that has gone silent without closing.
 */
export function stopReading(ws: WebSocket | globalThis.WebSocket): void {
  tcpOf(ws).pause();
}

export function resumeReading(ws: WebSocket | globalThis.WebSocket): void {
  tcpOf(ws).resume();
}

/**
 * Reads at about `bytesPerSecond`, as a client on a slow link would: the socket is paused once a
 * twentieth of a second's worth has arrived and resumed 50 ms later. Returns a function that
 * goes back to reading at full speed.
 */
export function readSlowly(ws: WebSocket | globalThis.WebSocket, bytesPerSecond: number): () => void {
  const socket = tcpOf(ws);
  const slice = bytesPerSecond / 20;
  let budget = slice;
  const onData = (chunk: Buffer) => {
    budget -= chunk.length;
    if (budget <= 0) socket.pause();
  };
  socket.on('data', onData);
  const timer = setInterval(() => {
    // `ws` itself resumes a paused socket once its parser drains, so `budget` can go below zero:
    // what was read too early is paid back before reading resumes.
    budget = Math.min(budget + slice, slice);
    if (budget > 0) socket.resume();
  }, 50);
  return () => {
    clearInterval(timer);
    socket.off('data', onData);
    socket.resume();
  };
}
