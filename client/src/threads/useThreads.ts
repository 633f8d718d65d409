import { useEffect, useState } from 'react';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { COLLAB_PATH } from '../../../shared/protocol.ts';
import { SUGGESTIONS_MAP, type SuggestionView } from '../../../shared/suggestions.ts';
import { THREADS_MAP, type ThreadView, threadsRoomName } from '../../../shared/threads.ts';

export interface Contributions {
  threads: ThreadView[];
  suggestions: SuggestionView[];
}

const NONE: Contributions = { threads: [], suggestions: [] };

/**
 * The draft's threads and suggestions, live (once `enabled`: the page connects after the text has
 * arrived, so the text and its highlights are not held up by thousands of comments): a read-only
 * sync of the server-written threads document. Every change (new thread, reply, resolution,
 * suggestion, decision) arrives here within the same second for everyone.
 */
export function useThreads(draftId: string, identity: string, enabled: boolean): Contributions {
  const [threads, setThreads] = useState<ThreadView[]>(NONE.threads);
  const [suggestions, setSuggestions] = useState<SuggestionView[]>(NONE.suggestions);
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
    const threadMap = doc.getMap<ThreadView>(THREADS_MAP);
    const suggestionMap = doc.getMap<SuggestionView>(SUGGESTIONS_MAP);
    // Each list is rebuilt only when its own map changed, so cards of the other kind keep their identity.
    const readThreads = () => setThreads([...threadMap.values()]);
    const readSuggestions = () => setSuggestions([...suggestionMap.values()]);
    threadMap.observe(readThreads);
    suggestionMap.observe(readSuggestions);
    readThreads();
    readSuggestions();
    return () => {
      threadMap.unobserve(readThreads);
      suggestionMap.unobserve(readSuggestions);
      provider.destroy();
      doc.destroy();
    };
  }, [draftId, identity, enabled]);
  return { threads, suggestions };
}
