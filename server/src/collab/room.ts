import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { Logger } from 'pino';
import * as authProtocol from 'y-protocols/auth';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { CloseCode, Limits, MessageType, SyncStep } from '../../../shared/protocol.ts';
import { type DocumentJournal, emptyJournal, type StoredIntent } from '../storage/storage.ts';
import { decodeAwarenessUpdate, encodeAwarenessUpdate } from './awarenessUpdate.ts';
import { DocumentSaver, type SaverTiming } from './documentSaver.ts';
import { LogFollower, type SequencedUpdate } from './logFollower.ts';
import type { CollabMetrics } from './metrics.ts';
import { overDeepParts } from './nesting.ts';
import { FROM_LOG, FROM_STORAGE, originOf } from './origins.ts';
import { type Peer, ProtocolError } from './peer.ts';
import { PresenceRelay, presenceWindowMs } from './presenceRelay.ts';
import { ReaderBatches } from './readerBatches.ts';
import { checkUpdate, dropPending, MalformedUpdateError, type UpdateCheck } from './updateCheck.ts';

/** The reason sent with "permission denied"; the web client recognises it. */
export const READ_ONLY_REASON = 'read-only';

/** Transaction origin of the stored state being loaded: not a change, so not saved or broadcast. */

/**
 * A room's link to its draft's update log and to the other instances serving the draft (with a
 * store several instances share). Every update is appended before it is sent to anyone, so what
 * any client has seen is stored; other instances' stored updates come in through `receiveStored`.
 */
export interface RoomLog {
  /** The seq of the last logged update the loaded state holds. */
  loadedSeq: number;
  /** Appends what one event-loop turn accepted; resolves with its seq once stored. */
  append: (update: Uint8Array, userId: string | null) => Promise<number>;
  /** What a document holding every seq up to `seq` lacks (see `UpdateLogStore.missingAfter`). */
  missingAfter: (seq: number) => Promise<SequencedUpdate[]>;
  /** Told of each update this instance stored (and who wrote it), to pass it on to the others. */
  stored: (update: Uint8Array, seq: number, userId: string | null) => void;
  /** Told of an update accepted while the log cannot be written, to pass it on meanwhile. */
  unstored: (update: Uint8Array, userId: string | null) => void;
  /** Told of presence changes of this instance's people, to pass them on. */
  presence: (update: Uint8Array) => void;
}

/** After a failed append, the next try waits this long, doubling up to the maximum. */
const APPEND_RETRY_MS = 500;
const APPEND_RETRY_MAX_MS = 10_000;

interface Unlogged {
  update: Uint8Array;
  userId: string | null;
  sender: unknown;
  /** Sent to this instance's peers already (while the store was unreachable). */
  sent: boolean;
}

export interface RoomDeps {
  /**
   * Writes the document's full state with its journal, in one write; with an update log,
   * `covers` is the seq up to which the state holds every logged update.
   */
  save: (state: Uint8Array, journal: DocumentJournal, covers?: number) => Promise<void>;
  /** With a store several instances share: the draft's update log and the other instances. */
  log?: RoomLog;
  /** What the room counts for `/metrics`. */
  metrics?: CollabMetrics;
  /** What was stored beside the state (open edit bursts, pending server changes). */
  journal?: DocumentJournal;
  logger: Logger;
  saverTiming?: SaverTiming;
  /** Called when the last peer has left. */
  onEmpty: (room: Room) => void;
  /** Told about edits as they arrive (the change log groups them into bursts per person). */
  observer?: EditObserver;
  /** How long presence changes are gathered before one batch goes out, for so many peers (see `presenceWindowMs`). */
  presenceWindowMs?: (peers: number) => number;
}

/**
 * What an edit observer sees of a live draft: its id and its document, to read (and to keep
 * deleted content readable while it still needs it, through `gcFilter`), never to write.
 */
export interface ObservedDraft {
  readonly draftId: string;
  /** The document as it is, stored state not necessarily applied yet. */
  readonly doc: Y.Doc;
  /** The document with its stored state applied. */
  readonly liveDoc: Y.Doc;
  /** The observer's part of the journal changed: save it soon. */
  journalChanged(): void;
}

/**
 * Whatever follows people's edits (the change log's recorder) subscribes here, with plain data:
 * the draft, who wrote, under which Yjs client ids. The room calls it outside its own error path:
 * a failing observer is logged and never closes anyone's socket or stops the sync loop.
 */
export interface EditObserver {
  /** The draft was loaded, before its stored state is applied; `journal` is what was stored with it. */
  opened(draft: ObservedDraft, journal: DocumentJournal): void;
  /**
   * A person's non-empty update is about to be applied to `draft.doc`; `writtenClients` are the
   * Yjs client ids under which it brings structs the draft does not have yet.
   */
  beforeUpdate(draft: ObservedDraft, userId: string, writtenClients: readonly number[]): void;
  /** The observer's part of the journal, saved with every save of the state. */
  journal(draft: ObservedDraft): Pick<DocumentJournal, 'authors' | 'bursts'>;
  /** Finishes what is open (edit bursts) and resolves once it is recorded: before a last save. */
  settle(draft: ObservedDraft): Promise<void>;
  /** The draft is unloaded. */
  closed(draft: ObservedDraft): void;
}

interface PeerState {
  /** Awareness client ids this peer speaks for. */
  awarenessClients: Set<number>;
  /** Yjs client ids this peer writes under; nobody else may bring new structs under them. */
  docClients: Set<number>;
  /** Whether the peer has been told it is read-only (once is enough). */
  toldReadOnly: boolean;
  /** Whether it only reads (as of joining or its last access change): it may get updates in batches. */
  reader: boolean;
  /** Whether the peer has answered our sync step 1: from then on it has sent all it had that we lacked. */
  answered: boolean;
}

/**
 * One draft's live document and the peers editing it: the y-websocket sync loop, written on
 * y-protocols. It knows nothing of sockets (see `Peer`) or of where the state is stored.
 */
export class Room implements ObservedDraft {
  readonly doc = new Y.Doc();
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  private readonly peers = new Map<Peer, PeerState>();
  private readonly awarenessOwners = new Map<number, Peer>();
  private readonly docClientOwners = new Map<number, Peer>();
  /** Server changes to the text whose records are not known to be stored yet (see `StoredIntent`). */
  private readonly intents: StoredIntent[];
  private readonly saver: DocumentSaver;
  private readonly presence: PresenceRelay;
  private readonly readerBatches: ReaderBatches;
  /** Stored state not yet applied to `doc` (applied lazily, see `replyToStep1`). */
  private unapplied: Uint8Array | undefined;
  /** The stored bytes, while they still equal the whole document (no change since load). */
  private pristine: Uint8Array | undefined;
  /** Set when the stored state could not be applied: the document is not served or changed. */
  private unloadable: UnloadableDraftError | undefined;
  /** The state vector of `unapplied`, once computed. */
  private storedStateVector: Uint8Array | undefined;
  private outbox: { update: Uint8Array; origin: unknown }[] = [];
  private flushScheduled = false;
  private holders = 0;
  /** Which of the draft's logged updates the document holds (with an update log only). */
  private readonly follower: LogFollower | undefined;
  /** Updates accepted here and not yet stored in the log, oldest first; appended one at a time. */
  private readonly unlogged: Unlogged[] = [];
  private appending = false;
  /** Set while the log cannot be written: updates are then sent at once, and stored once it is back. */
  private degraded = false;
  /**
   * Yjs client ids people connected to other instances write under (→ who): nobody else here may
   * write under them, so no one puts words in their name (the same person moving here may).
   */
  private readonly remoteDocClients = new Map<number, string>();
  /** Presence client ids of people connected to other instances (→ which): nobody here may speak for them. */
  private readonly remotePresence = new Map<number, string>();
  /** The instance whose presence update is being applied. */
  private presenceFrom = '';
  private readonly presenceToRelay = new Set<number>();
  private presenceRelayScheduled = false;

  constructor(
    readonly draftId: string,
    storedState: Uint8Array | undefined,
    private readonly deps: RoomDeps,
  ) {
    this.awareness.setLocalState(null); // the server itself is not a participant
    if (storedState && storedState.length > 0) {
      this.unapplied = storedState;
      this.pristine = storedState;
    }
    const journal = deps.journal ?? emptyJournal();
    this.intents = [...journal.intents];
    this.tellObserver((observer) => observer.opened(this, journal));
    // State and journal are read in the same turn, so the stored pair is always of one moment.
    this.saver = new DocumentSaver(
      // While the stored state is not applied yet (nothing changed the text), it is the whole
      // document: saving the empty live copy instead would wipe the draft (a journal-only save).
      () =>
        deps.save(
          this.unapplied ?? Y.encodeStateAsUpdate(this.doc),
          this.currentJournal(),
          this.follower?.seq,
        ),
      deps.logger.child({ draftId }),
      deps.saverTiming,
    );
    this.doc.on('update', this.onDocUpdate);
    this.awareness.on('update', this.onAwarenessUpdate);
    if (deps.log) {
      this.follower = new LogFollower(deps.log.loadedSeq, {
        apply: (update) => Y.applyUpdate(this.liveDoc, update, FROM_LOG),
        applyIfComplete: (update) => {
          const doc = this.liveDoc;
          if (checkUpdate(doc, update, Limits.maxNestingDepth).missing) return false;
          Y.applyUpdate(doc, update, FROM_LOG);
          return true;
        },
        missingAfter: deps.log.missingAfter,
        logger: deps.logger.child({ draftId }),
      });
    }
    this.presence = new PresenceRelay(
      this.awareness,
      () => this.peers.keys(),
      () => this.peers.size,
      deps.presenceWindowMs,
    );
    this.readerBatches = new ReaderBatches(
      () => [...this.peers].filter(([, state]) => state.reader).map(([peer]) => peer),
      () => (deps.presenceWindowMs ?? presenceWindowMs)(this.peers.size),
    );
  }

  get peerCount(): number {
    return this.peers.size;
  }

  /** Whether anyone uses the room: a connected peer, or a server-side change in progress. */
  get busy(): boolean {
    return this.peers.size > 0 || this.holders > 0;
  }

  /** Keeps the room loaded while the server changes it without a peer (see RoomRegistry.use). */
  hold(): void {
    this.holders++;
  }

  unhold(): void {
    this.holders--;
    if (!this.busy) this.deps.onEmpty(this);
  }

  /** The live document with its stored state applied, for changes the server itself makes. */
  get liveDoc(): Y.Doc {
    this.applyStoredState();
    return this.doc;
  }

  get hasUnsavedChanges(): boolean {
    return this.saver.hasUnsavedChanges || this.unlogged.length > 0;
  }

  /** The seq of the draft's update log up to which the document holds everything (with a log). */
  get loggedSeq(): number | undefined {
    return this.follower?.seq;
  }

  /** Another instance stored `update` as `seq` in the draft's log. */
  receiveStored(seq: number, update: Uint8Array, userId: string): void {
    this.noteRemoteWriter(update, userId);
    this.follower?.received(seq, update);
  }

  /** The draft's log reaches `seq` (as read from the store): whatever of it is missing is read. */
  logReaches(seq: number): void {
    this.follower?.reaches(seq);
  }

  /** Presence of people connected to another instance, `from`. */
  receiveRemotePresence(update: Uint8Array, from: string): void {
    if (this.doc.isDestroyed) return;
    this.presenceFrom = from;
    awarenessProtocol.applyAwarenessUpdate(this.awareness, update, FROM_LOG);
  }

  /** The instance `from` stopped (no heartbeat): its people's presence goes, everywhere here. */
  dropInstance(from: string): void {
    const gone = [...this.remotePresence]
      .filter(([, instance]) => instance === from)
      .map(([clientId]) => clientId);
    if (gone.length === 0 || this.doc.isDestroyed) return;
    awarenessProtocol.removeAwarenessStates(this.awareness, gone, FROM_LOG);
  }

  /** Server changes found in the journal at load whose records may still have to be written. */
  get pendingIntents(): readonly StoredIntent[] {
    return this.intents;
  }

  /**
   * Stores the text now, with `intent` (the records that describe the server's change to it) in
   * the same write; resolves once both are on disk. Call `settleIntent` once the records are stored.
   */
  async commit(intent?: StoredIntent): Promise<void> {
    if (intent) this.intents.push(intent);
    this.saver.markDirty();
    await this.saver.flush();
  }

  /** The records of `intentId` are stored: it leaves the journal at the next save. */
  settleIntent(intentId: string): void {
    const index = this.intents.findIndex((intent) => intent.id === intentId);
    if (index >= 0) this.intents.splice(index, 1);
    this.saver.markDirty();
  }

  /** The observer's part of the journal changed: save it soon. */
  journalChanged(): void {
    if (!this.doc.isDestroyed) this.saver.markDirty();
  }

  /** Finishes what the observer has open (edit bursts), then saves: before unloading or stopping. */
  async settle(): Promise<void> {
    await this.deps.observer?.settle(this);
    await this.saver.flush();
  }

  join(peer: Peer): void {
    this.peers.set(peer, {
      awarenessClients: new Set(),
      docClients: new Set(),
      toldReadOnly: false,
      answered: false,
      reader: !peer.canWrite,
    });
    if (!peer.canWrite) this.tellReadOnly(peer);
    const present = this.presence.snapshot();
    if (present) peer.send(present);
    // Our own sync step 1 asks the client for what it has and we lack (edits made offline). It
    // waits a turn so that the client's step 1, if already queued, is answered first. On a cold
    // open it usually is not (the client has not even seen the upgrade yet), so this must not
    // apply the stored state: that would make the client wait for our decoding before its own.
    setImmediate(() => {
      if (!this.peers.has(peer)) return;
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MessageType.Sync);
      encoding.writeVarUint(encoder, SyncStep.Step1);
      encoding.writeVarUint8Array(encoder, this.stateVector());
      peer.send(encoding.toUint8Array(encoder));
    });
  }

  leave(peer: Peer): void {
    const state = this.peers.get(peer);
    if (!state) return;
    this.peers.delete(peer);
    const gone = [...state.awarenessClients];
    for (const clientId of gone) this.awarenessOwners.delete(clientId);
    for (const clientId of state.docClients) this.docClientOwners.delete(clientId);
    if (gone.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, gone, peer);
    if (!this.busy) this.deps.onEmpty(this);
  }

  /** Handles one binary message from `peer`; throws `ProtocolError` for input that breaks the protocol. */
  receive(peer: Peer, message: Uint8Array): void {
    if (!this.peers.has(peer)) return;
    try {
      const decoder = decoding.createDecoder(message);
      const type = decoding.readVarUint(decoder);
      switch (type) {
        case MessageType.Sync:
          this.receiveSync(peer, decoder);
          break;
        case MessageType.Awareness:
          this.receiveAwareness(peer, decoding.readVarUint8Array(decoder));
          break;
        case MessageType.QueryAwareness: {
          const present = this.presence.snapshot();
          if (present) peer.send(present);
          break;
        }
        default:
          throw new ProtocolError(CloseCode.BadMessage, `unknown message type ${type}`);
      }
    } catch (error) {
      if (error instanceof ProtocolError) throw error;
      if (error instanceof UnloadableDraftError)
        throw new ProtocolError(CloseCode.ServerError, error.message);
      throw new ProtocolError(CloseCode.BadMessage, `malformed message: ${(error as Error).message}`);
    }
  }

  /**
   * The peer's rights or identity changed (role, window, visibility): tell it if it is now
   * read-only, and show everyone its new identity at once instead of at its next presence update.
   */
  accessChanged(peer: Peer): void {
    const state = this.peers.get(peer);
    if (!state) return;
    if (state.reader && peer.canWrite) this.readerBatches.flush();
    state.reader = !peer.canWrite;
    if (peer.canWrite) state.toldReadOnly = false;
    else this.tellReadOnly(peer);
    const restamped: number[] = [];
    for (const clientId of state.awarenessClients) {
      const current = this.awareness.getStates().get(clientId);
      const meta = this.awareness.meta.get(clientId);
      if (!current || !meta) continue;
      this.awareness.getStates().set(clientId, { ...current, user: { ...peer.presence } });
      // A higher clock makes every client, the owner included, take the new state.
      meta.clock++;
      meta.lastUpdated = Date.now();
      restamped.push(clientId);
    }
    if (restamped.length > 0) {
      this.awareness.emit('update', [{ added: [], updated: restamped, removed: [] }, 'server']);
    }
  }

  /** Writes any unsaved change now; rejects if the write fails (the document stays in memory). */
  flush(): Promise<void> {
    return this.saver.flush();
  }

  destroy(): void {
    this.follower?.stop();
    this.tellObserver((observer) => observer.closed(this));
    this.saver.dispose();
    this.doc.off('update', this.onDocUpdate);
    this.presence.dispose();
    this.readerBatches.dispose();
    this.awareness.destroy();
    this.doc.destroy();
  }

  private receiveSync(peer: Peer, decoder: decoding.Decoder): void {
    const step = decoding.readVarUint(decoder);
    switch (step) {
      case SyncStep.Step1:
        this.replyToStep1(peer, decoding.readVarUint8Array(decoder));
        break;
      case SyncStep.Step2:
      case SyncStep.Update: {
        const update = decoding.readVarUint8Array(decoder);
        const state = this.peers.get(peer);
        const answering = state?.answered === false;
        if (state && step === SyncStep.Step2) state.answered = true;
        // Read-only peers are served, never obeyed: their updates are neither applied nor relayed.
        if (!peer.canWrite) {
          this.tellReadOnly(peer);
          break;
        }
        // A client with nothing we lack answers our step 1 with an empty update: it needs no
        // decoded document, so a room that is only read never decodes its stored state.
        if (isEmptyUpdate(update)) break;
        this.applyStoredState();
        this.applyPeerUpdate(peer, update, answering);
        break;
      }
      default:
        throw new ProtocolError(CloseCode.BadMessage, `unknown sync step ${step}`);
    }
  }

  /**
   * A client with nothing yet gets the stored bytes as they are: they already are the whole
   * document, compacted. The server decodes them only once it needs its own copy (the first
   * change, a client that already holds part of the document, or `liveDoc`): decoding them here
   * would cost every load of a draft that is only read, and on a cold open it would compete for
   * the CPU with the clients decoding the same bytes.
   */
  private replyToStep1(peer: Peer, stateVector: Uint8Array): void {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.Sync);
    if (this.pristine && Y.decodeStateVector(stateVector).size === 0) {
      encoding.writeVarUint(encoder, SyncStep.Step2);
      encoding.writeVarUint8Array(encoder, this.pristine);
      peer.send(encoding.toUint8Array(encoder));
      return;
    }
    this.applyStoredState();
    syncProtocol.writeSyncStep2(encoder, this.doc, stateVector);
    peer.send(encoding.toUint8Array(encoder));
  }

  /**
   * Applies a writer's update, unless it nests deeper than `Limits.maxNestingDepth` or needs
   * content neither the document nor the update has: Yjs would keep that part for ever as pending
   * structs (or a pending delete set), invisible but served to every new client. Those are refused
   * whole, before anything of them is applied or claimed (so the change log opens no burst), and
   * the sender's socket is closed.
   *
   * Except while the peer has not yet answered our step 1, and in that answer (`answering`): a
   * stock client sends edits made right after reconnecting before it answers, on top of offline
   * edits we have not seen, and its answer brings all of them. So then what can be placed is
   * applied, the rest is dropped rather than kept, and the socket stays open.
   */
  private applyPeerUpdate(peer: Peer, update: Uint8Array, answering: boolean): void {
    let check: UpdateCheck;
    try {
      check = checkUpdate(this.doc, update, Limits.maxNestingDepth);
    } catch (error) {
      if (error instanceof MalformedUpdateError) throw new ProtocolError(CloseCode.BadMessage, error.message);
      throw error;
    }
    if (check.depth > Limits.maxNestingDepth) {
      throw new ProtocolError(
        CloseCode.UpdateRefused,
        `update nests ${check.depth} levels deep; at most ${Limits.maxNestingDepth} are allowed`,
      );
    }
    if (check.missing && !answering) {
      throw new ProtocolError(CloseCode.UpdateRefused, `update needs content nobody sent: ${check.missing}`);
    }
    if (!check.placeable) return;
    const written = this.claimClients(peer, check.writes);
    const userId = peer.userId;
    if (userId) this.tellObserver((observer) => observer.beforeUpdate(this, userId, written));
    Y.applyUpdate(this.doc, update, peer);
    this.deps.metrics?.updateReceived();
    // What the check did not foresee (structs waiting on each other in a circle) is not kept either.
    if (dropPending(this.doc) > 0 && !answering) {
      throw new ProtocolError(CloseCode.UpdateRefused, 'update needs content nobody sent');
    }
  }

  /**
   * The client ids under which an update brings structs we lack (`clients`), claimed for `peer`. Structs are
   * attributed by their client id, so an update that writes under a client id another person's
   * connection writes under is refused: nobody can put words in someone else's name. (A client re-sending
   * what the server lost in a crash only ever brings structs the owner has not re-sent yet, and
   * the owner's own reconnect sends them all at once.)
   */
  private claimClients(peer: Peer, clients: readonly number[]): number[] {
    const state = this.peers.get(peer);
    if (!state) return [];
    const written: number[] = [];
    for (const client of clients) {
      const owner = this.docClientOwners.get(client);
      if (owner !== undefined && owner !== peer) {
        // The same person's new connection (a tab reconnecting before the server noticed its old
        // socket died) takes the id over; anyone else's is refused.
        const samePerson = owner.userId != null && owner.userId === peer.userId;
        if (!samePerson) {
          throw new ProtocolError(
            CloseCode.ForeignClient,
            "update writes under another connection's client id",
          );
        }
        this.peers.get(owner)?.docClients.delete(client);
        this.docClientOwners.delete(client);
      }
      if (client === this.doc.clientID) {
        throw new ProtocolError(CloseCode.ForeignClient, "update writes under the server's client id");
      }
      const remoteWriter = this.remoteDocClients.get(client);
      if (remoteWriter !== undefined) {
        if (remoteWriter !== peer.userId) {
          throw new ProtocolError(
            CloseCode.ForeignClient,
            'update writes under the client id of someone connected elsewhere',
          );
        }
        // The same person's tab, now connected here (its instance stopped).
        this.remoteDocClients.delete(client);
      }
      written.push(client);
    }
    for (const client of written) {
      if (state.docClients.has(client)) continue;
      if (state.docClients.size >= Limits.maxDocClientsPerSocket) {
        throw new ProtocolError(CloseCode.ForeignClient, 'update writes under too many client ids');
      }
      state.docClients.add(client);
      this.docClientOwners.set(client, peer);
    }
    return written;
  }

  /** Tells the edit observer, outside the sync loop's error path: its failure is only logged. */
  private tellObserver(tell: (observer: EditObserver) => void): void {
    const observer = this.deps.observer;
    if (!observer) return;
    try {
      tell(observer);
    } catch (error) {
      this.deps.logger.error({ err: error, draftId: this.draftId }, 'the edit observer failed');
    }
  }

  private currentJournal(): DocumentJournal {
    const observed = this.deps.observer?.journal(this) ?? { authors: {}, bursts: [] };
    return { ...observed, intents: structuredClone(this.intents) };
  }

  /** y-protocols' auth message "permission denied": the stock client's signal for read-only. */
  private tellReadOnly(peer: Peer): void {
    const state = this.peers.get(peer);
    if (!state || state.toldReadOnly) return;
    state.toldReadOnly = true;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.Auth);
    authProtocol.writePermissionDenied(encoder, READ_ONLY_REASON);
    peer.send(encoding.toUint8Array(encoder));
  }

  /** Our state vector; while the stored state is unapplied, read once from its bytes (far cheaper than applying them). */
  private stateVector(): Uint8Array {
    if (!this.unapplied) return Y.encodeStateVector(this.doc);
    this.storedStateVector ??= Y.encodeStateVectorFromUpdate(this.unapplied);
    return this.storedStateVector;
  }

  private applyStoredState(): void {
    if (this.unloadable) throw this.unloadable;
    if (!this.unapplied || this.doc.isDestroyed) return;
    const state = this.unapplied;
    this.unapplied = undefined;
    try {
      Y.applyUpdate(this.doc, state, FROM_STORAGE);
    } catch (error) {
      // Yjs could not apply it (a deleted part nesting thousands deep overflows its recursive
      // delete). The half-applied copy must never be saved over the stored state: saves keep
      // writing the stored bytes, and every use of the document fails until it is repaired.
      this.unapplied = state;
      this.unloadable = new UnloadableDraftError(this.draftId, error);
      this.deps.logger.error({ err: error, draftId: this.draftId }, this.unloadable.message);
      throw this.unloadable;
    }
    this.reportStoredState();
  }

  /**
   * Drops what a stored state holds that older versions accepted and this one refuses: updates
   * waiting for content nobody has (saved without them from now on), and names the parts nesting
   * deeper than the limit, which load and are served but need `npm run repair-draft`.
   */
  private reportStoredState(): void {
    const log = this.deps.logger.child({ draftId: this.draftId });
    const dropped = dropPending(this.doc);
    if (dropped > 0) {
      log.warn({ bytes: dropped }, 'the stored draft held updates waiting for content nobody has; dropped');
      this.pristine = undefined;
      this.saver.markDirty();
    }
    const parts = overDeepParts(this.doc, Limits.maxNestingDepth);
    if (parts.length > 0) {
      log.warn(
        { parts },
        `the stored draft nests deeper than ${Limits.maxNestingDepth} levels; stop the server and run: npm run repair-draft -- ${this.draftId}`,
      );
    }
  }

  private receiveAwareness(peer: Peer, update: Uint8Array): void {
    if (update.length > Limits.maxAwarenessBytes) {
      throw new ProtocolError(CloseCode.BadMessage, 'presence update too large');
    }
    const mine = this.peers.get(peer)?.awarenessClients ?? new Set<number>();
    // New ids are counted as they are accepted: `mine` only grows after the filter, so checking
    // its size alone would let one message bring any number of ids.
    const claimed = new Set(mine);
    // A peer may only speak for its own clients: entries for ids another peer owns are dropped,
    // so nobody can overwrite someone else's name or caret.
    const accepted = decodeAwarenessUpdate(update, (clientId) => {
      if (this.remotePresence.has(clientId)) return false;
      const owner = this.awarenessOwners.get(clientId);
      if (owner) return owner === peer;
      if (claimed.has(clientId)) return true;
      if (claimed.size >= Limits.maxAwarenessClientsPerSocket) return false;
      claimed.add(clientId);
      return true;
    });
    if (accepted.length === 0) return;
    for (const entry of accepted) {
      if (entry.state === 'null') continue;
      if (entry.state.length > Limits.maxPresenceStateBytes) {
        throw new ProtocolError(CloseCode.BadMessage, 'presence state too large');
      }
      mine.add(entry.clientId);
      this.awarenessOwners.set(entry.clientId, peer);
      entry.state = stampIdentity(entry.state, peer);
    }
    awarenessProtocol.applyAwarenessUpdate(this.awareness, encodeAwarenessUpdate(accepted), peer);
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (originOf(origin).kind === 'storage') return;
    this.pristine = undefined;
    this.saver.markDirty();
    this.outbox.push({ update, origin });
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flushOutbox);
    }
  };

  /**
   * Sends the updates of one event-loop turn as one message. With an update log, what was
   * accepted here is appended first and sent once stored; other instances' updates are stored already.
   */
  private readonly flushOutbox = (): void => {
    this.flushScheduled = false;
    const batch = this.outbox;
    this.outbox = [];
    if (!this.deps.log) {
      this.sendBatch(batch);
      return;
    }
    const stored = batch.filter((item) => item.origin === FROM_LOG);
    const fresh = batch.filter((item) => item.origin !== FROM_LOG);
    this.sendBatch(stored);
    const first = fresh[0];
    if (!first) return;
    const update = merged(fresh);
    const sender = fresh.every((item) => item.origin === first.origin) ? first.origin : undefined;
    const origin = originOf(sender);
    const userId = origin.kind === 'person' ? (origin.peer.userId ?? null) : null;
    const item: Unlogged = { update, userId, sender, sent: false };
    // While the store is unreachable, live editing goes on: sent now, stored once it is back.
    if (this.degraded) this.sendUpdate(item, true);
    this.unlogged.push(item);
    void this.appendInOrder();
  };

  /** Appends the unlogged updates one at a time, in order, retrying the oldest until it is stored. */
  private async appendInOrder(): Promise<void> {
    const log = this.deps.log;
    if (!log || this.appending) return;
    this.appending = true;
    let retryMs = APPEND_RETRY_MS;
    try {
      for (let next = this.unlogged[0]; next && !this.doc.isDestroyed; next = this.unlogged[0]) {
        try {
          const seq = await log.append(next.update, next.userId);
          this.unlogged.shift();
          if (this.degraded)
            this.deps.logger.info({ draftId: this.draftId }, 'the update log is written again');
          this.degraded = false;
          retryMs = APPEND_RETRY_MS;
          this.follower?.stored(seq);
          if (!next.sent) this.sendUpdate(next, false);
          log.stored(next.update, seq, next.userId);
        } catch (error) {
          if (!this.degraded) {
            this.deps.logger.error(
              { err: error, draftId: this.draftId },
              'the update log cannot be written; edits are passed on and kept here until it can',
            );
          }
          this.degraded = true;
          for (const waiting of this.unlogged) if (!waiting.sent) this.sendUpdate(waiting, true);
          await new Promise((resolve) => setTimeout(resolve, retryMs).unref());
          retryMs = Math.min(retryMs * 2, APPEND_RETRY_MAX_MS);
        }
      }
    } finally {
      this.appending = false;
    }
    if (this.unlogged.length === 0 && !this.busy && !this.doc.isDestroyed) this.deps.onEmpty(this);
  }

  /** Sends an update to this instance's peers; one sent before it is stored also goes to the other instances. */
  private sendUpdate(item: Unlogged, unstored: boolean): void {
    if (unstored) {
      item.sent = true;
      this.deps.log?.unstored(item.update, item.userId);
    }
    this.sendBatch([{ update: item.update, origin: item.sender }]);
  }

  /** Remembers under which client ids another instance's person wrote `update`. */
  private noteRemoteWriter(update: Uint8Array, userId: string): void {
    if (!userId) return;
    for (const struct of Y.decodeUpdate(update).structs) {
      const client = struct.id.client;
      if (!this.docClientOwners.has(client)) this.remoteDocClients.set(client, userId);
    }
  }

  /** Another instance's update that it could not store yet: applied now, it comes again with its seq. */
  receiveUnstored(update: Uint8Array, userId: string): void {
    if (this.doc.isDestroyed) return;
    this.noteRemoteWriter(update, userId);
    Y.applyUpdate(this.liveDoc, update, FROM_LOG);
    // One that needs what this instance has not received yet is not kept waiting (a person's
    // next update would be refused for it): it comes again, in order, with its seq.
    dropPending(this.doc);
  }

  /** Sends updates to every peer but their sender, as one message. */
  private sendBatch(batch: { update: Uint8Array; origin: unknown }[]): void {
    const first = batch[0];
    if (!first) return;
    const update = merged(batch);
    const sender = batch.every((item) => item.origin === first.origin) ? first.origin : undefined;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.Sync);
    syncProtocol.writeUpdate(encoder, update);
    const message = encoding.toUint8Array(encoder);
    const readersLater = this.readerBatches.batching;
    let sent = 0;
    for (const [peer, state] of this.peers) {
      if (peer !== sender && !(readersLater && state.reader)) {
        peer.send(message);
        sent++;
      }
    }
    this.deps.metrics?.updateSent(sent);
    if (readersLater) this.readerBatches.add(update);
  }

  /**
   * Forgets who spoke for clients whose presence ended (left, or timed out); `presence` relays it
   * to the peers here, and changes of this instance's people go to the other instances.
   */
  private readonly onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    for (const clientId of removed) {
      const owner = this.awarenessOwners.get(clientId);
      if (owner) this.peers.get(owner)?.awarenessClients.delete(clientId);
      this.awarenessOwners.delete(clientId);
    }
    if (!this.deps.log) return;
    if (origin === FROM_LOG) {
      for (const clientId of [...added, ...updated]) this.remotePresence.set(clientId, this.presenceFrom);
      for (const clientId of removed) this.remotePresence.delete(clientId);
      return;
    }
    // A remote client timing out here is no news for the others: each times it out itself.
    for (const clientId of [...added, ...updated, ...removed]) {
      if (this.remotePresence.has(clientId)) {
        if (removed.includes(clientId)) this.remotePresence.delete(clientId);
        continue;
      }
      this.presenceToRelay.add(clientId);
    }
    if (this.presenceToRelay.size > 0 && !this.presenceRelayScheduled) {
      this.presenceRelayScheduled = true;
      setImmediate(this.relayPresence);
    }
  };

  private readonly relayPresence = (): void => {
    this.presenceRelayScheduled = false;
    const changed = [...this.presenceToRelay];
    this.presenceToRelay.clear();
    if (changed.length === 0 || this.doc.isDestroyed) return;
    this.deps.log?.presence(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
  };
}

/** The stored state of a draft could not be applied to a document (see `applyStoredState`). */
export class UnloadableDraftError extends Error {
  constructor(draftId: string, cause: unknown) {
    super(`The draft could not be loaded; an administrator must run: npm run repair-draft -- ${draftId}`, {
      cause,
    });
    this.name = 'UnloadableDraftError';
  }
}

/**
 * Replaces the `user` a client claims in its presence state with who it is on the server, so
 * nobody can pose as someone else (the chair, say) in carets or the presence list. Of someone who
 * cannot edit, only who they are is passed on: a reader's selection says nothing to the people
 * editing, is their own business, and with thousands of readers would cost every peer a message
 * at each click.
 */
function stampIdentity(stateJson: string, peer: Peer): string {
  if (!peer.canWrite) return JSON.stringify({ user: { ...peer.presence } });
  const parsed: unknown = JSON.parse(stateJson);
  const state = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : {};
  return JSON.stringify({ ...state, user: { ...peer.presence } });
}

/**
 * One update of several. Merging our own, already-validated updates is cheap for a handful of
 * them; untrusted bytes never reach mergeUpdates (yjs#687).
 */
function merged(batch: { update: Uint8Array }[]): Uint8Array {
  const first = batch[0];
  if (batch.length === 1 && first) return first.update;
  return Y.mergeUpdates(batch.map((item) => item.update));
}

/** An update with no structs and no deletions: what `Y.encodeStateAsUpdate` gives when there is nothing to send. */
function isEmptyUpdate(update: Uint8Array): boolean {
  return update.length === 2 && update[0] === 0 && update[1] === 0;
}
