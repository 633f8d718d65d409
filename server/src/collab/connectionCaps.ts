import { CloseCode } from '../../../shared/protocol.ts';

export interface ConnectionCapsOptions {
  /** Open sockets one client address may hold (a tab holds two: the draft and its threads). */
  perAddress: number;
  /** Open sockets on one draft, from everyone. */
  perDraft: number;
}

/** Defaults of `MAX_SOCKETS_PER_ADDRESS` and `MAX_SOCKETS_PER_DRAFT`. */
export const DEFAULT_CONNECTION_CAPS: ConnectionCapsOptions = { perAddress: 40, perDraft: 4000 };

/**
 * Counts open sockets per client address and per draft, so that one visitor cannot open a
 * thousand sockets and a crowd cannot grow one draft without bound. A socket is counted from its
 * upgrade request until it closes.
 */
export class ConnectionCaps {
  private readonly byAddress = new Map<string, number>();
  private readonly byDraft = new Map<string, number>();

  constructor(private readonly options: ConnectionCapsOptions) {}

  /** Counts a socket in, or says with which close code it must be refused (then nothing is counted). */
  admit(address: string, draftId: string): { release: () => void } | { refuse: CloseCode; reason: string } {
    if ((this.byAddress.get(address) ?? 0) >= this.options.perAddress) {
      return {
        refuse: CloseCode.TooManyConnections,
        reason: 'Too many connections from your address; close some tabs',
      };
    }
    if ((this.byDraft.get(draftId) ?? 0) >= this.options.perDraft) {
      return {
        refuse: CloseCode.DraftFull,
        reason: 'This draft has as many readers as it can take; try again soon',
      };
    }
    increment(this.byAddress, address);
    increment(this.byDraft, draftId);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        decrement(this.byAddress, address);
        decrement(this.byDraft, draftId);
      },
    };
  }

  /** Open sockets in all (for health reports). */
  get total(): number {
    let sum = 0;
    for (const count of this.byAddress.values()) sum += count;
    return sum;
  }
}

function increment(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function decrement(map: Map<string, number>, key: string): void {
  const next = (map.get(key) ?? 1) - 1;
  if (next <= 0) map.delete(key);
  else map.set(key, next);
}
