import { useEffect, useState } from 'react';
import type { WebsocketProvider } from 'y-websocket';
import { ROLES, type Role } from '../../../shared/roles.ts';

export interface Participant {
  clientId: number;
  /** Empty for visitors. */
  name: string;
  color: string;
  role: Role | undefined;
  isSelf: boolean;
}

/**
 * Who is here, from the awareness states of everyone connected: you first, then by name. What a
 * peer claims about itself is checked (a name and colour are strings, a role is a known one);
 * states without a user (a socket that only reads) are nobody.
 */
export function participantsOf(states: Map<number, unknown>, selfId: number): Participant[] {
  const list: Participant[] = [];
  for (const [clientId, state] of states) {
    const user = (state as { user?: { name?: unknown; color?: unknown; role?: unknown } } | null)?.user;
    if (!user) continue;
    list.push({
      clientId,
      name: typeof user.name === 'string' ? user.name : '',
      color: typeof user.color === 'string' ? user.color : '#475467',
      role:
        typeof user.role === 'string' && ROLES.includes(user.role as Role) ? (user.role as Role) : undefined,
      isSelf: clientId === selfId,
    });
  }
  list.sort((a, b) => Number(b.isSelf) - Number(a.isSelf) || a.name.localeCompare(b.name));
  return list;
}

/** Everyone whose presence (awareness state) is on this draft, you first. */
export function usePresence(provider: WebsocketProvider | undefined): Participant[] {
  const [participants, setParticipants] = useState<Participant[]>([]);
  useEffect(() => {
    if (!provider) return;
    const awareness = provider.awareness;
    const read = () => {
      const list = participantsOf(awareness.getStates(), awareness.clientID);
      // Carets move at every keystroke, and each move is an awareness change: the page re-renders
      // only when who is here changed.
      setParticipants((previous) => (sameParticipants(previous, list) ? previous : list));
    };
    read();
    awareness.on('change', read);
    return () => awareness.off('change', read);
  }, [provider]);
  return participants;
}

function sameParticipants(a: Participant[], b: Participant[]): boolean {
  return (
    a.length === b.length &&
    a.every((p, i) => {
      const q = b[i];
      return (
        q !== undefined &&
        p.clientId === q.clientId &&
        p.name === q.name &&
        p.color === q.color &&
        p.role === q.role &&
        p.isSelf === q.isSelf
      );
    })
  );
}
