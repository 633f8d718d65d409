import type * as decoding from 'lib0/decoding';
import { useEffect, useState } from 'react';
import * as authProtocol from 'y-protocols/auth';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { COLLAB_PATH, isFinalCloseCode, MessageType } from '../../../shared/protocol.ts';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'offline';

export interface CollaborationSession {
  doc: Y.Doc;
  provider: WebsocketProvider;
}

export interface SessionState {
  session: CollaborationSession | undefined;
  connection: ConnectionState;
  /** True once the first full sync with the server has completed. */
  synced: boolean;
  /** The close code with which the server ended the session for good (44xx), if it did. */
  refusedWith: number | undefined;
  /** The server said it will not accept our edits (y-protocols "permission denied"). */
  readOnly: boolean;
}

/**
 * One Y.Doc and one y-websocket provider per open draft. The doc outlives connection drops, so
 * edits made while offline stay in it and are sent when the provider reconnects.
 * `identity` (the signed-in user's id) reconnects the socket when someone signs in or out.
 */
export function useCollaborationSession(draftId: string, identity: string): SessionState {
  const [session, setSession] = useState<CollaborationSession>();
  const [status, setStatus] = useState<'connecting' | 'connected' | 'disconnected'>('connecting');
  const [everConnected, setEverConnected] = useState(false);
  const [online, setOnline] = useState(() => navigator.onLine);
  const [synced, setSynced] = useState(false);
  const [refusedWith, setRefusedWith] = useState<number>();
  const [readOnly, setReadOnly] = useState(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `identity` is the reason to reconnect (the cookie changed).
  useEffect(() => {
    const doc = new Y.Doc();
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
    const provider = new WebsocketProvider(`${scheme}://${window.location.host}${COLLAB_PATH}`, draftId, doc);
    // The stock client only logs "permission denied"; we show it (the editor turns read-only).
    provider.messageHandlers[MessageType.Auth] = (_encoder, decoder: decoding.Decoder) => {
      authProtocol.readAuthMessage(decoder, doc, () => setReadOnly(true));
    };
    provider.on('status', ({ status: next }) => {
      setStatus(next);
      if (next === 'connected') setEverConnected(true);
    });
    provider.on('sync', (isSynced: boolean) => {
      if (isSynced) setSynced(true);
    });
    provider.on('connection-close', (event) => {
      // The provider gives up on these by itself; we only need to say so.
      if (event && isFinalCloseCode(event.code)) setRefusedWith(event.code);
    });
    setSession({ doc, provider });
    setSynced(false);
    setRefusedWith(undefined);
    setReadOnly(false);
    setEverConnected(false);
    return () => {
      provider.destroy();
      doc.destroy();
    };
  }, [draftId, identity]);

  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, []);

  let connection: ConnectionState;
  if (!online) connection = 'offline';
  else if (status === 'connected') connection = 'connected';
  else connection = everConnected ? 'reconnecting' : 'connecting';

  return { session, connection, synced, refusedWith, readOnly };
}
