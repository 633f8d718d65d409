import * as Y from 'yjs';

/** Association of a relative position: bind to the character after it, or to the one before. */
export const BIND_RIGHT = 0;
export const BIND_LEFT = -1;

/**
 * A ProseMirror position in the document held by `fragment`, as a Yjs relative position with an
 * explicit association. (The binding's own helper always binds left, which would make a passage
 * grow when someone types just before it.) ProseMirror counts one step to enter and one to leave
 * each element, and one per character of text; the walk below counts the same way.
 */
export function relativePositionAt(fragment: Y.XmlFragment, pos: number, assoc: number): Y.RelativePosition {
  const found = locate(fragment, pos);
  if (typeof found === 'number') {
    return Y.createRelativePositionFromTypeIndex(fragment, fragment.length, assoc);
  }
  return Y.createRelativePositionFromTypeIndex(found.type, found.index, assoc);
}

type Located = { type: Y.XmlFragment | Y.XmlElement | Y.XmlText; index: number };

/** Where `pos` falls inside `parent`, or how much of `pos` is left after it. */
function locate(parent: Y.XmlFragment | Y.XmlElement, pos: number): Located | number {
  let remaining = pos;
  let index = 0;
  for (const child of parent.toArray()) {
    if (child instanceof Y.XmlText) {
      if (remaining <= child.length) return { type: child, index: remaining };
      remaining -= child.length;
    } else if (child instanceof Y.XmlElement) {
      if (remaining === 0) return { type: parent, index };
      remaining -= 1; // into the element
      const inner = locate(child, remaining);
      if (typeof inner !== 'number') return inner;
      remaining = inner - 1; // out of it
      if (remaining < 0) return { type: child, index: child.length };
    }
    index++;
  }
  return remaining === 0 ? { type: parent, index: parent.length } : remaining;
}

export function encodePosition(position: Y.RelativePosition): string {
  return toBase64(Y.encodeRelativePosition(position));
}

/** Decodes a base64 relative position; undefined for bytes that are not one. */
export function decodePosition(encoded: string): Y.RelativePosition | undefined {
  try {
    const position = Y.decodeRelativePosition(fromBase64(encoded));
    // An unknown kind byte decodes to a position naming nothing, which Yjs throws on when resolving.
    if (position.item === null && position.type === null && position.tname === null) return undefined;
    return position;
  } catch {
    return undefined;
  }
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
