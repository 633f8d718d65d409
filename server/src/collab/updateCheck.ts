import * as Y from 'yjs';

/**
 * What applying one peer's update to the live document would do, found by decoding it
 * (`Y.decodeUpdate`: its structs with their origins and parents, and its delete set) against the
 * document's state, without applying it. Read with the Yjs 13 source at hand:
 * `integrateStructs` and `Item.getMissing` (utils/encoding.js, structs/Item.js) decide what is
 * placed and what waits as pending, `readAndApplyDeleteSet` which deletions wait.
 */
export interface UpdateCheck {
  /** The deepest nesting of a type the update adds (the root's children are at 1). */
  depth: number;
  /**
   * Why part of the update cannot be placed — a struct whose predecessors under its client id,
   * or whose origin or parent, are neither in the document nor in the update, or a deletion of
   * content nobody has; Yjs would keep that part as pending structs (or a pending delete set).
   */
  missing: string | undefined;
  /** Client ids under which the update brings structs the document lacks and can place. */
  writes: number[];
  /** Whether any of it can be applied (a struct it can place, or a deletion of content we have). */
  placeable: boolean;
}

/** Any Yjs type (`Y.AbstractType<any>`, named without `any`). */
type YType = Y.ContentType['type'];

/** An update no Yjs encoder writes (a client listed twice, a struct pointing at itself or in a circle). */
export class MalformedUpdateError extends Error {}

type Struct = Y.Item | Y.GC | Y.Skip;

/**
 * Checks `update` against `doc` (see `UpdateCheck`). Every walk here is a loop: the update may
 * nest thousands deep, which is what it is checked for. `depthCap` bounds the climb through the
 * document's existing types (deeper than that is over the limit anyway).
 */
export function checkUpdate(doc: Y.Doc, update: Uint8Array, depthCap: number): UpdateCheck {
  const { structs, ds } = Y.decodeUpdate(update);
  const store = doc.store;
  const known = (client: number) => Y.getState(store, client);

  // Structs come in one run per client, in clock order (Yjs reads a repeated client's second run
  // over its first, so an update with one is not what it seems).
  const runs = new Map<number, Struct[]>();
  let current: Struct[] | undefined;
  let currentClient: number | undefined;
  for (const struct of structs) {
    const client = struct.id.client;
    if (client !== currentClient) {
      if (runs.has(client)) throw new MalformedUpdateError(`the update lists client ${client} twice`);
      current = [];
      runs.set(client, current);
      currentClient = client;
    }
    current?.push(struct);
  }

  // How far each client's clock reaches once everything placeable is placed: its structs must
  // continue what the document has, without a gap.
  const reach = new Map<number, number>();
  let missing: string | undefined;
  for (const [client, run] of runs) {
    let clock = known(client);
    for (const struct of run) {
      if (struct instanceof Y.Skip) continue;
      if (struct.id.clock > clock) {
        missing ??= `structs of client ${client} from clock ${struct.id.clock}, with ${clock} to ${struct.id.clock - 1} missing`;
        break;
      }
      clock = Math.max(clock, struct.id.clock + struct.length);
    }
    reach.set(client, clock);
  }
  const has = (id: Y.ID) => id.clock < (reach.get(id.client) ?? known(id.client));

  /** The struct of the update holding `id`, if it is one the document does not have yet. */
  const fromUpdate = (id: Y.ID): Struct | undefined => {
    if (id.clock < known(id.client)) return undefined;
    const run = runs.get(id.client) ?? [];
    let low = 0;
    let high = run.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const struct = run[middle] as Struct;
      if (id.clock < struct.id.clock) high = middle - 1;
      else if (id.clock >= struct.id.clock + struct.length) low = middle + 1;
      else return struct;
    }
    return undefined;
  };

  // A struct whose origin or parent is nowhere stops its client, as in Yjs: what follows it under
  // that client waits with it, which may in turn stop structs of other clients that refer to those.
  for (let stopped = true; stopped; ) {
    stopped = false;
    for (const [client, run] of runs) {
      const end = reach.get(client) ?? 0;
      for (const struct of run) {
        if (struct.id.clock >= end) break;
        if (!(struct instanceof Y.Item) || struct.id.clock + struct.length <= known(client)) continue;
        const lacking = [...references(struct)].find((ref) => ref.client !== client && !has(ref));
        if (lacking) {
          missing ??= `a struct of client ${client} refers to ${lacking.client}:${lacking.clock}, which nobody has`;
          reach.set(client, Math.max(struct.id.clock, known(client)));
          stopped = true;
          break;
        }
      }
    }
  }

  const writes = new Set<number>();
  const added: Y.Item[] = [];
  let placeable = false;
  let deepestValue = 0;
  for (const [client, run] of runs) {
    const end = reach.get(client) ?? 0;
    for (const struct of run) {
      if (struct.id.clock >= end) break;
      if (struct instanceof Y.Skip || struct.id.clock + struct.length <= known(client)) continue;
      placeable = true;
      writes.add(client);
      if (!(struct instanceof Y.Item)) continue;
      for (const ref of references(struct)) {
        // Yjs takes a reference under the struct's own client id for granted: it must come before it.
        if (ref.client === client && ref.clock >= struct.id.clock) {
          throw new MalformedUpdateError(`a struct of client ${client} refers to itself or to a later one`);
        }
      }
      added.push(struct);
      deepestValue = Math.max(deepestValue, valueDepth(struct.content, depthCap));
    }
  }

  for (const [client, deletions] of ds.clients) {
    const end = reach.get(client) ?? known(client);
    for (const { clock, len } of deletions) {
      if (clock < end) placeable = true;
      if (clock + len > end) missing ??= `it deletes ${client}:${Math.max(clock, end)}, which nobody has`;
    }
  }

  const depth = Math.max(deepestValue, deepestType(added, store, fromUpdate, depthCap));
  return { depth, missing, writes: [...writes], placeable };
}

/**
 * Forgets what Yjs keeps waiting in `doc` for content that has not come (pending structs and
 * deletions); returns how many bytes that was.
 */
export function dropPending(doc: Y.Doc): number {
  const { pendingStructs, pendingDs } = doc.store;
  const bytes = (pendingStructs?.update.length ?? 0) + (pendingDs?.length ?? 0);
  doc.store.pendingStructs = null;
  doc.store.pendingDs = null;
  return bytes;
}

function* references(item: Y.Item): Generator<Y.ID> {
  if (item.origin) yield item.origin;
  if (item.rightOrigin) yield item.rightOrigin;
  if (item.parent instanceof Y.ID) yield item.parent;
}

/**
 * The deepest nesting of the types among `added`. A type's depth is its parent's plus one; its
 * parent is a root (depth 0), a type already in the document (climbed to its root), a type the
 * update adds, or — when the update leaves it out — the parent of the item its origin points at,
 * as Yjs derives it (`Item.getMissing`). Resolved with an explicit chain, never by recursion.
 */
function deepestType(
  added: readonly Y.Item[],
  store: Y.Doc['store'],
  fromUpdate: (id: Y.ID) => Struct | undefined,
  depthCap: number,
): number {
  const parentDepth = new Map<Y.Item, number>();
  const typeDepth = new Map<YType, number>();

  const depthOfType = (type: YType): number => {
    const cached = typeDepth.get(type);
    if (cached !== undefined) return cached;
    let depth = 0;
    let at: YType | null = type;
    while (at?._item && depth <= depthCap) {
      depth++;
      const parent: unknown = at._item.parent;
      at = parent instanceof Y.AbstractType ? parent : null;
    }
    typeDepth.set(type, depth);
    return depth;
  };
  /** The document's item holding `id`; undefined when it has none (the update is incomplete then). */
  const existing = (id: Y.ID): Y.Item | undefined => {
    if (id.clock >= Y.getState(store, id.client)) return undefined;
    const struct = Y.getItem(store, id) as Y.Item | Y.GC;
    return struct instanceof Y.Item ? struct : undefined;
  };

  /** One step towards an item's parent: a depth found, or the next item and what it adds. */
  const step = (item: Y.Item): number | { next: Y.Item; plus: 0 | 1 } => {
    const parent = item.parent as unknown;
    if (typeof parent === 'string') return 0; // a root type, by name
    if (parent instanceof Y.ID) {
      const inUpdate = fromUpdate(parent);
      if (inUpdate) {
        if (!(inUpdate instanceof Y.Item) || !(inUpdate.content instanceof Y.ContentType)) {
          throw new MalformedUpdateError('a struct names a parent that is not a type');
        }
        return { next: inUpdate, plus: 1 };
      }
      // A parent that was garbage-collected (or is missing): Yjs collects the child (or keeps it pending).
      const parentItem = existing(parent);
      return parentItem?.content instanceof Y.ContentType ? depthOfType(parentItem.content.type) : 0;
    }
    const beside = item.origin ?? item.rightOrigin;
    if (!beside) throw new MalformedUpdateError('a struct has neither a parent nor a neighbour');
    const inUpdate = fromUpdate(beside);
    if (inUpdate) return inUpdate instanceof Y.Item ? { next: inUpdate, plus: 0 } : 0;
    const neighbour = existing(beside)?.parent;
    return neighbour instanceof Y.AbstractType ? depthOfType(neighbour) : 0;
  };

  const resolve = (start: Y.Item): number => {
    const chain: { item: Y.Item; plus: 0 | 1 }[] = [];
    const seen = new Set<Y.Item>();
    let item = start;
    let depth: number;
    for (;;) {
      const cached = parentDepth.get(item);
      if (cached !== undefined) {
        depth = cached;
        break;
      }
      if (seen.has(item))
        throw new MalformedUpdateError('the update’s structs refer to each other in a circle');
      seen.add(item);
      const next = step(item);
      if (typeof next === 'number') {
        depth = next;
        parentDepth.set(item, depth);
        break;
      }
      chain.push({ item, plus: next.plus });
      item = next.next;
    }
    for (let i = chain.length - 1; i >= 0; i--) {
      const link = chain[i] as { item: Y.Item; plus: 0 | 1 };
      depth += link.plus;
      parentDepth.set(link.item, depth);
    }
    return parentDepth.get(start) ?? depth;
  };

  let deepest = 0;
  for (const item of added) {
    if (item.content instanceof Y.ContentType) deepest = Math.max(deepest, resolve(item) + 1);
  }
  return deepest;
}

/** How deep the JSON values an item carries nest (attributes, embeds, formatting), up to `cap` + 1. */
function valueDepth(content: Y.Item['content'], cap: number): number {
  let values: unknown[];
  if (content instanceof Y.ContentAny || content instanceof Y.ContentJSON) values = content.arr;
  else if (content instanceof Y.ContentEmbed) values = [content.embed];
  else if (content instanceof Y.ContentFormat) values = [content.value];
  else return 0;
  let deepest = 0;
  const stack: { value: unknown; depth: number }[] = values.map((value) => ({ value, depth: 1 }));
  for (let next = stack.pop(); next; next = stack.pop()) {
    const { value, depth } = next;
    if (value === null || typeof value !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (depth > cap) return depth;
    const children = Array.isArray(value) ? value : Object.values(value);
    for (const child of children) stack.push({ value: child, depth: depth + 1 });
  }
  return deepest;
}
