/**
 * @module text/utf8
 * Cedar (Rust) measures strings in UTF-8 bytes; JS strings index UTF-16 code units. These are
 * the conversions between the two, and source positions for error messages.
 */

const utf8Bytes = (codePoint: number): number =>
  codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;

/** Length of `s` in UTF-8 bytes. */
export function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) n += utf8Bytes(ch.codePointAt(0) as number);
  return n;
}

/** The string index at which `byteOffset` UTF-8 bytes of `text` end (clamped to its length). */
export function utf8OffsetToIndex(text: string, byteOffset: number): number {
  let bytes = 0;
  let i = 0;
  while (i < text.length && bytes < byteOffset) {
    const c = text.codePointAt(i) as number;
    bytes += utf8Bytes(c);
    i += c > 0xffff ? 2 : 1;
  }
  return i;
}

/** Line and column (1-based; columns in UTF-16 code units, as editors count) of an index. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
