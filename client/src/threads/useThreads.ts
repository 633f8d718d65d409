import { useEffect, useState } from 'react';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { COLLAB_PATH } from '../../../shared/protocol.ts';
import { THREADS_MAP, type ThreadView, threadsRoomName } from '../../../shared/threads.ts';

/**
 * The draft's threads, live (once `enabled`: the page connects after the text has arrived, so
 * the text and its highlights are not held up by thousands of comments): a read-only sync of the server-written threads document. Every
 * change (new thread, reply, resolution) arrives here within the same second for everyone.
 */
export function useThreads(draftId: string, identity: string, enabled: boolean): ThreadView[] {
  const [threads, setThreads] = useState<ThreadView[]>([]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `identity` is the reason to reconnect (the cookie changed).
  useEffect(() => {
    if (!enabled) return;
    const doc = new Y.Doc();
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
    const provider = new WebsocketProvider(
      `${scheme}://${window.location.host}${COLLAB_PATH}`,
      threadsRoomName(draftId),
      doc,
    );
    // Nobody writes here but the server; its "read-only" notice is expected and silent.
    provider.messageHandlers[2] = () => {};
    provider.awareness.setLocalState(null);
    const map = doc.getMap<ThreadView>(THREADS_MAP);
    const read = () => setThreads([...map.values()]);
    map.observe(read);
    read();
    return () => {
      map.unobserve(read);
      provider.destroy();
      doc.destroy();
    };
  }, [draftId, identity, enabled]);
  return threads;
}
