/**
 * @module schema/errors
 * The error a schema that cannot be loaded throws: Cedar's own message (the schema is parsed
 * and checked by cedar-wasm, so what is refused and why is exactly Cedar's), with the places
 * in the schema text it points at, as offsets and as lines and columns.
 */

import type { SourceLocation } from '../errors.js';
import { lineColumn, utf8OffsetToIndex } from '../text/utf8.js';

export interface SchemaSourceLocation extends SourceLocation {
  /** What Cedar says about this place (`expected \`;\``), when it says anything. */
  readonly label: string | undefined;
}

/** `parse`: Cedar refused the schema; `resolve`: a reference could not be resolved. */
export type SchemaErrorKind = 'parse' | 'resolve';

export class SchemaError extends Error {
  override readonly name = 'SchemaError';
  readonly kind: SchemaErrorKind;
  /** Places in the schema text (empty for JSON schemas, which Cedar does not locate). */
  readonly locations: readonly SchemaSourceLocation[];
  /** Cedar's hint, when it gives one. */
  readonly help: string | undefined;
  /** Every message Cedar gave (the first is `message`). */
  readonly details: readonly string[];
  constructor(
    kind: SchemaErrorKind,
    message: string,
    opts: { locations?: readonly SchemaSourceLocation[]; help?: string | undefined; details?: readonly string[] } = {},
  ) {
    super(message);
    this.kind = kind;
    this.locations = opts.locations ?? [];
    this.help = opts.help;
    this.details = opts.details ?? [message];
  }
}

/**
 * Turn Cedar's byte offsets (UTF-8, from Rust) into positions in the JS string, with 1-based
 * line and column (column counted in UTF-16 code units, as editors count them).
 */
export function locate(
  text: string,
  start: number,
  end: number,
  label: string | null | undefined,
): SchemaSourceLocation {
  const offset = utf8OffsetToIndex(text, start);
  const endIndex = utf8OffsetToIndex(text, Math.max(start, end));
  const { line, column } = lineColumn(text, offset);
  return { offset, length: endIndex - offset, line, column, label: label ?? undefined };
}
