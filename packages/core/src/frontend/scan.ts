/**
 * @module frontend/scan
 * A lexical pre-pass over Cedar policy text, done before cedar-wasm parses it, for three
 * facts the wasm parser does not hand back:
 * - where each policy statement starts and ends (Cedar numbers policies `policy0`,
 *   `policy1`, … in text order, and parse errors are reported per policy);
 * - whether a statement is a template (it mentions a `?principal` / `?resource` slot);
 * - which integer literals do not fit a JS number (cedar-wasm hands back policy JSON with
 *   numbers, which silently rounds anything beyond 2^53).
 * The scanner only needs Cedar's lexical structure: string literals with backslash escapes,
 * `//` line comments, identifiers, integer literals and `;` ending a policy.
 */
import type { SourceLocation } from '../errors.js';
import { lineColumn } from '../text/utf8.js';

export interface Statement {
  /** Text of the statement, including its closing `;` when present. */
  readonly text: string;
  /** Offset of the statement's first character in the whole text. */
  readonly start: number;
  /** Whether the statement mentions a template slot. */
  readonly isTemplate: boolean;
  /** Integer literals that are not safe JS integers, with their offsets in `text`. */
  readonly unsafeIntegers: readonly { readonly offset: number; readonly digits: string }[];
  /** Every integer literal's digits (used to choose placeholders that cannot collide). */
  readonly integerLiterals: ReadonlySet<string>;
  /** Deepest nesting of `(`, `[` and `{` in the statement. */
  readonly maxNesting: number;
}

const isIdentStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isIdentPart = (c: number): boolean => isIdentStart(c) || isDigit(c);
const MAX_SAFE_DIGITS = String(Number.MAX_SAFE_INTEGER);

function isUnsafe(digits: string): boolean {
  const d = digits.replace(/^0+(?=\d)/, '');
  return d.length > MAX_SAFE_DIGITS.length || (d.length === MAX_SAFE_DIGITS.length && d > MAX_SAFE_DIGITS);
}

/**
 * Split policy-set text into statements. Whitespace and comments between statements belong
 * to no statement; a trailing fragment without `;` is returned as a statement so that the
 * parser reports it.
 */
export function scanStatements(text: string): Statement[] {
  const out: Statement[] = [];
  let start = -1;
  let isTemplate = false;
  let unsafe: { offset: number; digits: string }[] = [];
  let literals = new Set<string>();
  let nesting = 0;
  let maxNesting = 0;
  const flush = (end: number) => {
    if (start >= 0) {
      const body = text.slice(start, end);
      out.push({
        text: body,
        start,
        isTemplate,
        unsafeIntegers: unsafe.map((u) => ({ offset: u.offset - start, digits: u.digits })),
        integerLiterals: literals,
        maxNesting,
      });
    }
    start = -1;
    isTemplate = false;
    unsafe = [];
    literals = new Set();
    nesting = 0;
    maxNesting = 0;
  };
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    // whitespace
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 0xfeff) {
      i++;
      continue;
    }
    // line comment
    if (c === 47 && text.charCodeAt(i + 1) === 47) {
      while (i < n && text.charCodeAt(i) !== 10) i++;
      continue;
    }
    if (start < 0) start = i;
    if (c === 34) {
      // string literal: skip to the closing quote, honouring backslash escapes
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 92) i += 2;
        else if (d === 34) {
          i++;
          break;
        } else i++;
      }
      continue;
    }
    if (isIdentStart(c)) {
      while (i < n && isIdentPart(text.charCodeAt(i))) i++;
      continue;
    }
    if (isDigit(c)) {
      const s = i;
      while (i < n && isDigit(text.charCodeAt(i))) i++;
      const digits = text.slice(s, i);
      literals.add(digits.replace(/^0+(?=\d)/, ''));
      if (isUnsafe(digits)) unsafe.push({ offset: s, digits });
      continue;
    }
    if (c === 63) {
      // `?principal` / `?resource`
      const m = /^\?(principal|resource)\b/.exec(text.slice(i, i + 11));
      if (m) isTemplate = true;
      i++;
      continue;
    }
    if (c === 40 || c === 91 || c === 123) {
      nesting++;
      if (nesting > maxNesting) maxNesting = nesting;
    } else if (c === 41 || c === 93 || c === 125) nesting--;
    if (c === 59) {
      i++;
      flush(i);
      continue;
    }
    i++;
  }
  flush(n);
  return out;
}

export { lineColumn, utf8OffsetToIndex } from '../text/utf8.js';

/**
 * Where each statement (policy or template) of a policy-set text is: its `i`-th entry is the
 * statement Cedar names `policy{i}`. For tools mapping ids back to files and lines.
 */
export function locatePolicies(text: string): SourceLocation[] {
  return scanStatements(text).map((s) => {
    const length = s.text.trimEnd().length;
    return { offset: s.start, length, ...lineColumn(text, s.start) };
  });
}
