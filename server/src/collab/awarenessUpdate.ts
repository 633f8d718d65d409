import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/** One client's entry in an awareness update (y-protocols/awareness wire format). */
export interface AwarenessEntry {
  clientId: number;
  clock: number;
  /** The JSON text of the state; `null` means the client left. */
  state: string;
}

/**
 * Decodes the entries of an awareness update that `wanted` keeps; the state of any other entry
 * is skipped unread. The stock y-websocket client sends back every presence change it receives,
 * so most entries a server reads are others' states it already has: reading only their ids keeps
 * that echo cheap. Throws on bytes that are not an update, or on a kept state that is not JSON.
 */
export function decodeAwarenessUpdate(
  update: Uint8Array,
  wanted: (clientId: number) => boolean = () => true,
): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  const entries: AwarenessEntry[] = [];
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    if (!wanted(clientId)) {
      const length = decoding.readVarUint(decoder);
      if (decoder.pos + length > update.length) throw new Error('awareness state cut short');
      decoder.pos += length;
      continue;
    }
    const state = decoding.readVarString(decoder);
    JSON.parse(state); // throws on a state that y-protocols would choke on later
    entries.push({ clientId, clock, state });
  }
  if (decoding.hasContent(decoder)) throw new Error('trailing bytes after the awareness update');
  return entries;
}

export function encodeAwarenessUpdate(entries: readonly AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const entry of entries) {
    encoding.writeVarUint(encoder, entry.clientId);
    encoding.writeVarUint(encoder, entry.clock);
    encoding.writeVarString(encoder, entry.state);
  }
  return encoding.toUint8Array(encoder);
}
