import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { CONTENT_FIELD } from '../../../shared/drafts.ts';
import { MessageType } from '../../../shared/protocol.ts';
import type { Peer, PresenceIdentity } from '../../src/collab/peer.ts';
import type { Room } from '../../src/collab/room.ts';

/**
 * A client of a Room without any socket: a Y.Doc and an Awareness speaking y-protocols. What
 * the client sends reaches the room at once; what the room sends waits in `inbox` until the
 * test calls `receive()`, so each test decides the delivery order.
 */
export class MemoryClient implements Peer {
  readonly doc = new Y.Doc();
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  /** Messages from the room not yet applied to this client. */
  readonly inbox: Uint8Array[] = [];
  /** Every message the room ever sent to this client. */
  readonly received: Uint8Array[] = [];
  closedWith: { code: number; reason: string } | undefined;
  /** Flip to false to make this client a read-only reader (then call room.accessChanged). */
  canWrite = true;
  /** The signed-in person behind it, whose edits the change log attributes to them. */
  userId: string | null = null;
  presence: PresenceIdentity;
  private connected = false;

  constructor(
    readonly room: Room,
    readonly id: string,
  ) {
    this.presence = { name: `Person ${id}`, role: 'taskforce', color: '#175cd3' };
    this.awareness.setLocalState(null);
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === this || !this.connected) return;
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MessageType.Sync);
      syncProtocol.writeUpdate(encoder, update);
      this.room.receive(this, encoding.toUint8Array(encoder));
    });
  }

  // Peer, as the room sees this client.
  send(message: Uint8Array): void {
    this.inbox.push(message);
    this.received.push(message);
  }

  close(code: number, reason: string): void {
    this.closedWith = { code, reason };
  }

  /** Joins the room and sends sync step 1, as y-websocket does on open. */
  connect(): void {
    this.connected = true;
    this.room.join(this);
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.Sync);
    syncProtocol.writeSyncStep1(encoder, this.doc);
    this.room.receive(this, encoding.toUint8Array(encoder));
  }

  disconnect(): void {
    this.connected = false;
    this.room.leave(this);
  }

  /** Sets this client's presence and sends it to the room. */
  setPresence(state: Record<string, unknown>): void {
    this.awareness.setLocalState(state);
    this.sendAwareness([this.doc.clientID]);
  }

  sendAwareness(clientIds: number[]): void {
    const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, clientIds);
    this.room.receive(this, awarenessMessage(update));
  }

  /** Applies every waiting message from the room, answering sync steps as y-websocket does. */
  receive(): number {
    const messages = this.inbox.splice(0);
    for (const message of messages) {
      const decoder = decoding.createDecoder(message);
      const type = decoding.readVarUint(decoder);
      if (type === MessageType.Sync) {
        const reply = encoding.createEncoder();
        encoding.writeVarUint(reply, MessageType.Sync);
        syncProtocol.readSyncMessage(decoder, reply, this.doc, this);
        if (encoding.length(reply) > 1 && this.connected)
          this.room.receive(this, encoding.toUint8Array(reply));
      } else if (type === MessageType.Awareness) {
        awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(decoder), this);
      }
    }
    return messages.length;
  }

  /** Appends a paragraph to the editor content. */
  write(text: string): void {
    const paragraph = new Y.XmlElement('paragraph');
    paragraph.insert(0, [new Y.XmlText(text)]);
    const fragment = this.doc.getXmlFragment(CONTENT_FIELD);
    fragment.insert(fragment.length, [paragraph]);
  }

  get content(): string {
    return this.doc.getXmlFragment(CONTENT_FIELD).toString();
  }

  destroy(): void {
    this.awareness.destroy();
    this.doc.destroy();
  }
}

export function awarenessMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.Awareness);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

/** Lets the room's deferred work run (it batches and replies on `setImmediate`). */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Delivers messages back and forth until nobody has anything left to receive. */
export async function settle(clients: readonly MemoryClient[]): Promise<void> {
  for (let round = 0; round < 50; round++) {
    await nextTurn();
    const delivered = clients.reduce((count, client) => count + client.receive(), 0);
    if (delivered === 0) {
      await nextTurn();
      if (clients.every((client) => client.inbox.length === 0)) return;
    }
  }
  throw new Error('clients did not settle after 50 rounds');
}

/** The sync step (or awareness) of each message, for asserting what was sent. */
export function describeMessage(message: Uint8Array): 'step1' | 'step2' | 'update' | 'awareness' | 'other' {
  const decoder = decoding.createDecoder(message);
  const type = decoding.readVarUint(decoder);
  if (type === MessageType.Awareness) return 'awareness';
  if (type !== MessageType.Sync) return 'other';
  return (['step1', 'step2', 'update'] as const)[decoding.readVarUint(decoder)] ?? 'other';
}
