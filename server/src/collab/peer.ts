import type { Role } from '../../../shared/roles.ts';

/**
 * One connected client as the collaboration core sees it. The core never touches a socket: the
 * WebSocket adapter (`http/collabSocket.ts`) implements this, tests can implement it in memory.
 */
export interface Peer {
  /** For logs only. */
  readonly id: string;
  /** Whether this peer's document updates are applied (read-only peers only receive). */
  readonly canWrite: boolean;
  /** The signed-in person behind it (null for visitors), to attribute edits in the change log. */
  readonly userId?: string | null;
  /** Who others see: stamped onto every presence (awareness) state this peer sends. */
  readonly presence: PresenceIdentity;
  /** Queues a binary message; the adapter enforces its own back-pressure limit. */
  send(message: Uint8Array): void;
  close(code: number, reason: string): void;
}

export interface PresenceIdentity {
  /** Empty for visitors; clients show a translated "Visitor". */
  name: string;
  role: Role;
  color: string;
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
