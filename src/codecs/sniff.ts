/**
 * Content sniffing helpers shared by codec entries.
 * @module
 */

/** First byte that is not whitespace or a UTF-8 byte-order mark, or -1. */
export function firstSignificantByte(head: Uint8Array): number {
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  for (; i < head.length; i++) {
    const c = head[i]!;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return c;
  }
  return -1;
}

/** Does the head start with `magic` at `offset`? */
export function hasMagic(head: Uint8Array, magic: readonly number[], offset = 0): boolean {
  if (head.length < offset + magic.length) return false;
  return magic.every((b, i) => head[offset + i] === b);
}
