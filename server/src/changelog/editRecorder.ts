import type { Node as PMNode } from '@tiptap/pm/model';
import type { Logger } from 'pino';
import * as Y from 'yjs';
import type { TextChange } from '../../../shared/changelog.ts';
import { CONTENT_FIELD } from '../../../shared/drafts.ts';
import type { Peer } from '../collab/peer.ts';
import type { EditObserver, Room } from '../collab/room.ts';
import { snapshot } from '../threads/passages.ts';
import type { ChangeLogService } from './changeLogService.ts';

/** A burst of one person's edits ends after this long without another. */
export const BURST_QUIET_MS = 2 * 60_000;

type Mapping = ReturnType<typeof snapshot>['mapping'];
/** The Yjs types the editor's content is made of. */
type XmlType = Y.XmlElement | Y.XmlFragment | Y.XmlText;

interface Burst {
  userId: string;
  startedAt: Date;
  /** The document when the burst began, and which Yjs type each of its nodes came from. */
  before: { doc: PMNode; mapping: Mapping };
  /** Text blocks (paragraphs, headings…) whose text this person changed. */
  blocks: Set<Y.XmlElement>;
  /** Containers (the document, lists, quotes) whose children this person added or removed. */
  containers: Set<Y.XmlElement | Y.XmlFragment>;
  timer: NodeJS.Timeout;
}

interface RoomState {
  bursts: Map<string, Burst>;
  listener: (transaction: Y.Transaction) => void;
}

/**
 * Turns direct edits by the task force into change-log entries: one per person per burst (a burst
 * ends after two minutes without an edit from them), with the section and the before/after text
 * of each paragraph they changed. Only updates from people count: what the server writes into
 * the text (thread and suggestion marks, accepted suggestions) has its own origin and entries.
 */
export class EditRecorder implements EditObserver {
  private readonly rooms = new Map<Room, RoomState>();

  constructor(
    private readonly changelog: ChangeLogService,
    private readonly logger: Logger,
    private readonly quietMs = BURST_QUIET_MS,
  ) {}

  beforeUpdate(room: Room, peer: Peer): void {
    const userId = peer.userId;
    if (!userId) return;
    const state = this.stateOf(room);
    const burst = state.bursts.get(userId);
    if (burst) {
      burst.timer.refresh();
      return;
    }
    const fragment = room.doc.getXmlFragment(CONTENT_FIELD);
    const { doc, mapping } = snapshot(fragment);
    const timer = setTimeout(() => this.end(room, userId), this.quietMs);
    timer.unref();
    state.bursts.set(userId, {
      userId,
      startedAt: new Date(),
      before: { doc, mapping },
      blocks: new Set(),
      containers: new Set(),
      timer,
    });
  }

  closing(room: Room): void {
    this.endAll(room);
    const state = this.rooms.get(room);
    if (state) room.doc.off('afterTransaction', state.listener);
    this.rooms.delete(room);
  }

  /** Ends every open burst now (the server is stopping). */
  flushAll(): void {
    for (const room of this.rooms.keys()) this.endAll(room);
  }

  private endAll(room: Room): void {
    for (const userId of [...(this.rooms.get(room)?.bursts.keys() ?? [])]) this.end(room, userId);
  }

  private stateOf(room: Room): RoomState {
    let state = this.rooms.get(room);
    if (!state) {
      const bursts = new Map<string, Burst>();
      const listener = (transaction: Y.Transaction) => {
        const userId = (transaction.origin as Peer | null)?.userId;
        const burst = userId ? bursts.get(userId) : undefined;
        if (burst) collect(burst, transaction);
      };
      room.doc.on('afterTransaction', listener);
      state = { bursts, listener };
      this.rooms.set(room, state);
    }
    return state;
  }

  private end(room: Room, userId: string): void {
    const state = this.rooms.get(room);
    const burst = state?.bursts.get(userId);
    if (!state || !burst) return;
    clearTimeout(burst.timer);
    state.bursts.delete(userId);
    let changes: TextChange[];
    try {
      changes = changedBlocks(burst, snapshot(room.doc.getXmlFragment(CONTENT_FIELD)));
    } catch (error) {
      this.logger.error({ err: error, draftId: room.draftId }, 'could not compare an edit burst');
      return;
    }
    if (changes.length === 0) return;
    void this.changelog.recordSafely(room.draftId, {
      type: 'edit',
      userId,
      section: changes[0]?.section ?? null,
      changes,
    });
  }
}

/** Notes which blocks and containers a transaction of the burst's person changed. */
function collect(burst: Burst, transaction: Y.Transaction): void {
  for (const type of transaction.changed.keys()) {
    if (type instanceof Y.XmlText) {
      if (type.parent instanceof Y.XmlElement) burst.blocks.add(type.parent);
    } else if (type instanceof Y.XmlElement || type instanceof Y.XmlFragment) {
      // Attribute changes (a heading's level) and new or removed children both land here.
      if (type instanceof Y.XmlElement && isTextBlock(type)) burst.blocks.add(type);
      else burst.containers.add(type);
    }
  }
}

/** A block element whose children are text (paragraph, heading, code block). */
function isTextBlock(element: Y.XmlElement): boolean {
  return element.toArray().every((child) => child instanceof Y.XmlText);
}

/** The paragraphs the burst changed, in document order, with their text before and after. */
function changedBlocks(burst: Burst, after: { doc: PMNode; mapping: Mapping }): TextChange[] {
  const afterSections = sectionsOf(after.doc);
  const beforeSections = sectionsOf(burst.before.doc);
  const nodeIn = (mapping: Mapping, type: XmlType) => {
    const node = mapping.get(type as never);
    return node && !Array.isArray(node) ? (node as PMNode) : undefined;
  };
  const changes: (TextChange & { order: number })[] = [];
  const seen = new Set<Y.XmlElement>();
  const consider = (element: Y.XmlElement) => {
    if (seen.has(element)) return;
    seen.add(element);
    const was = nodeIn(burst.before.mapping, element);
    const alive = !(element._item?.deleted ?? false) && isAttached(element);
    const now = alive ? nodeIn(after.mapping, element) : undefined;
    const before = was?.textContent ?? '';
    const text = now?.textContent ?? '';
    if (before === text && (was === undefined) === (now === undefined)) {
      // Same words: a change of block type still counts (a paragraph made a heading).
      if (!was || !now || was.type === now.type) return;
    }
    if (!was && !text) return; // an empty paragraph added and left empty
    const placed = now ? afterSections.get(now) : undefined;
    changes.push({
      section: placed?.section ?? (was ? (beforeSections.get(was)?.section ?? null) : null),
      before,
      after: text,
      order: placed?.order ?? Number.MAX_SAFE_INTEGER,
    });
  };
  for (const block of burst.blocks) consider(block);
  if (burst.containers.size > 0) {
    // Blocks removed as a whole never change themselves: find the ones that were under a
    // container this person changed and are gone now.
    for (const [type, node] of burst.before.mapping) {
      if (!(type instanceof Y.XmlElement) || Array.isArray(node) || !(node as PMNode).isTextblock) continue;
      const gone = (type._item?.deleted ?? false) || !isAttached(type);
      if (gone && hasAncestorIn(type, burst.containers)) consider(type);
    }
  }
  return changes.sort((a, b) => a.order - b.order).map(({ order: _order, ...change }) => change);
}

function isAttached(type: XmlType): boolean {
  let current: XmlType | null = type;
  while (current?._item) {
    if (current._item.deleted) return false;
    current = current._item.parent as XmlType | null;
  }
  return current !== null;
}

function hasAncestorIn(type: XmlType, containers: Set<Y.XmlElement | Y.XmlFragment>): boolean {
  let current = type._item?.parent as XmlType | null | undefined;
  while (current) {
    if (current instanceof Y.XmlText) return false;
    if (containers.has(current)) return true;
    current = current._item?.parent as XmlType | null | undefined;
  }
  return false;
}

/** For each text block of `doc`: the heading it is under (itself, for a heading) and its order. */
function sectionsOf(doc: PMNode): Map<PMNode, { section: string | null; order: number }> {
  const sections = new Map<PMNode, { section: string | null; order: number }>();
  let section: string | null = null;
  doc.descendants((node, pos) => {
    if (!node.isTextblock) return true;
    if (node.type.name === 'heading') section = node.textContent;
    sections.set(node, { section, order: pos });
    return false;
  });
  return sections;
}
