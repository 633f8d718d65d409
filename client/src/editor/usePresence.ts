import { useEffect, useState } from 'react';
import type { WebsocketProvider } from 'y-websocket';

export interface Participant {
  clientId: number;
  name: string;
  color: string;
  isSelf: boolean;
}

/** Everyone whose presence (awareness state) is on this draft, you first. */
export function usePresence(provider: WebsocketProvider | undefined): Participant[] {
  const [participants, setParticipants] = useState<Participant[]>([]);
  useEffect(() => {
    if (!provider) return;
    const awareness = provider.awareness;
    const read = () => {
      const list: Participant[] = [];
      for (const [clientId, state] of awareness.getStates()) {
        const user = (state as { user?: { name?: unknown; color?: unknown } }).user;
        if (!user || typeof user.name !== 'string') continue;
        list.push({
          clientId,
          name: user.name,
          color: typeof user.color === 'string' ? user.color : '#475467',
          isSelf: clientId === awareness.clientID,
        });
      }
      list.sort((a, b) => Number(b.isSelf) - Number(a.isSelf) || a.name.localeCompare(b.name));
      setParticipants(list);
    };
    read();
    awareness.on('change', read);
    return () => awareness.off('change', read);
  }, [provider]);
  return participants;
}
