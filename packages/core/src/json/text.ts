/**
 * @module json/text
 * JSON text → the JS values the parsers take, without the two losses of `JSON.parse`:
 * - integers beyond ±(2^53-1) come back as exact `bigint`s (`JSON.parse` rounds them);
 * - a key repeated within one object is an error (`JSON.parse` keeps the last one silently).
 *   Cedar's own JSON reader refuses duplicate keys in entity and context data (its
 *   `JsonValueWithNoDuplicateKeys`), and accepting them would let two readers of one file
 *   see different data. cedar-wasm cannot show this: it only receives JS objects.
 * Keys such as `__proto__` become own data properties. Nesting is bounded like the parsers'.
 * Numbers written with a fraction or exponent are JS numbers (`1.0` is then the integer 1,
 * as cedar-wasm reads it too).
 */
import { child, InputError, type Path } from './errors.js';
import { type LimitOptions, maxDepthOf } from './limits.js';

const defineProperty = Object.defineProperty;
const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

/** Parse JSON text. Throws {@link InputError} (kind `json`, or `limit` when too deep). */
export function parseJsonText(text: string, opts: LimitOptions = {}): unknown {
  const maxDepth = maxDepthOf(opts);
  let i = 0;

  const position = (at: number): string => {
    let line = 1;
    let col = 1;
    for (let j = 0; j < at && j < text.length; j++) {
      if (text.charCodeAt(j) === 10) {
        line++;
        col = 1;
      } else col++;
    }
    return `line ${line} column ${col}`;
  };
  const error = (message: string, path: Path | undefined, kind: 'json' | 'limit' = 'json'): InputError =>
    new InputError(kind, `${message} at ${position(i)}`, { path });

  const ws = (): void => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else return;
    }
  };

  const string = (path: Path | undefined): string => {
    const start = i;
    i++;
    for (;;) {
      const c = text.charCodeAt(i);
      if (Number.isNaN(c)) throw error('unterminated string', path);
      if (c === 92) i += 2;
      else if (c === 34) break;
      else if (c < 0x20) throw error('control character in a string', path);
      else i++;
    }
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      i = start;
      throw error('invalid escape in a string', path);
    }
  };

  const value = (path: Path | undefined, depth: number): unknown => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      if (depth + 1 > maxDepth) throw error(`input is nested more than ${maxDepth} levels deep`, path, 'limit');
      i++;
      ws();
      if (c === '[') {
        const out: unknown[] = [];
        if (text[i] === ']') {
          i++;
          return out;
        }
        for (;;) {
          out.push(value(child(path, out.length), depth + 1));
          ws();
          if (text[i] === ',') i++;
          else if (text[i] === ']') {
            i++;
            return out;
          } else throw error('expected `,` or `]`', path);
        }
      }
      const out: Record<string, unknown> = {};
      const seen = new Set<string>();
      if (text[i] === '}') {
        i++;
        return out;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') throw error('expected a string key', path);
        const key = string(path);
        if (seen.has(key)) throw error(`duplicate key \`${key}\``, child(path, key));
        seen.add(key);
        ws();
        if (text[i] !== ':') throw error('expected `:`', path);
        i++;
        const v = value(child(path, key), depth + 1);
        // `__proto__` must become an own property, not the object's prototype.
        if (key === '__proto__')
          defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
        else out[key] = v;
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return out;
        } else throw error('expected `,` or `}`', path);
      }
    }
    if (c === '"') return string(path);
    if (text.startsWith('true', i)) {
      i += 4;
      return true;
    }
    if (text.startsWith('false', i)) {
      i += 5;
      return false;
    }
    if (text.startsWith('null', i)) {
      i += 4;
      return null;
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (m === null) throw error(c === undefined ? 'unexpected end of input' : `unexpected character \`${c}\``, path);
    i += m[0].length;
    if (m[1] === undefined && m[2] === undefined) {
      const n = Number(m[0]);
      return Number.isSafeInteger(n) ? n : BigInt(m[0]);
    }
    return Number(m[0]);
  };

  const v = value(undefined, 0);
  ws();
  if (i < text.length) throw error('unexpected text after the JSON value', undefined);
  return v;
}
