/**
 * @module json/site
 * Where a value being parsed sits, for error messages: Cedar leads its messages with the
 * place (`in attribute \`x\` on \`T::"t"\``, `in tag \`t\` on …`, `while parsing context`), and
 * {@link InputError} adds the exact JSON path. A site is made once per attribute, tag or
 * context; nested values share it and only extend the path.
 */
import { InputError, type InputErrorKind, type Path } from './errors.js';

export interface Site {
  /** Cedar's lead-in, without the trailing comma; empty for none. */
  readonly lead: string;
  /** The uid key of the entity the value belongs to, if any. */
  readonly entity: string | undefined;
  /** Longest chain of nested arrays/objects accepted, counted from the input's root. */
  readonly maxDepth: number;
}

export function site(lead: string, entity: string | undefined, maxDepth: number): Site {
  return { lead, entity, maxDepth };
}

/** Build the error for a problem found at `path` within `at`. */
export function fail(kind: InputErrorKind, at: Site, path: Path | undefined, detail: string): InputError {
  return new InputError(kind, at.lead === '' ? detail : `${at.lead}, ${detail}`, { path, entity: at.entity });
}

/** Refuse nesting beyond the bound, before recursing, so no input can overflow the stack. */
export function checkDepth(at: Site, path: Path | undefined, depth: number): void {
  if (depth > at.maxDepth) {
    throw fail('limit', at, path, `input is nested more than ${at.maxDepth} levels deep`);
  }
}
