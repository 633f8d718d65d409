/**
 * One connected client as the collaboration core sees it. The core never touches a socket: the
 * WebSocket adapter (`socketAdapter.ts`) implements this, tests can implement it in memory.
 */
export interface Peer {
  /** For logs only. */
  readonly id: string;
  /** Queues a binary message; the adapter enforces its own back-pressure limit. */
  send(message: Uint8Array): void;
  close(code: number, reason: string): void;
}

/** Thrown by the core for input that breaks the protocol; the adapter closes the socket with `code`. */
export class ProtocolError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}
