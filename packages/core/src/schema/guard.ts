/**
 * @module schema/guard
 * Checks a schema must pass before it is handed to cedar-wasm. cedar-wasm is one instance
 * per process, shared by everything: a schema text nested a few hundred levels deep
 * overflows its stack, after which the instance is broken for every later call ("memory
 * access out of bounds"). Values its JS bridge cannot convert (a bigint, a lone surrogate)
 * make it throw instead of answering. So such input is refused here, with a SchemaError,
 * before wasm sees it.
 */
import { locate, SchemaError } from './errors.js';

/** Deepest bracket nesting (`{`, `<`, `[`, `(`) accepted in schema text. */
export const MAX_SCHEMA_NESTING = 256;

const LONE_SURROGATE = /\p{Cs}/u;

export function guardSchemaText(text: string): void {
  if (LONE_SURROGATE.test(text))
    throw new SchemaError('parse', 'the schema text contains a lone surrogate, which is not valid Unicode');
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      // skip a string literal, escapes included
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (ch === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (ch === '{' || ch === '<' || ch === '[' || ch === '(') {
      if (++depth > MAX_SCHEMA_NESTING) {
        const loc = locateIndex(text, i);
        throw new SchemaError('parse', `the schema nests types more than ${MAX_SCHEMA_NESTING} levels deep`, {
          locations: [loc],
        });
      }
    } else if (ch === '}' || ch === '>' || ch === ']' || ch === ')') {
      depth = Math.max(0, depth - 1);
    }
  }
}

function locateIndex(text: string, index: number) {
  // `locate` takes UTF-8 byte offsets (Cedar's); convert the JS index to one.
  const bytes = new TextEncoder().encode(text.slice(0, index)).length;
  return locate(text, bytes, bytes + 1, 'nested too deeply');
}

/** A JSON schema must be plain JSON: no bigints, functions, class instances, lone surrogates. */
export function guardSchemaJson(json: unknown): void {
  const stack: [unknown, number][] = [[json, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (depth > MAX_SCHEMA_NESTING)
      throw new SchemaError('parse', `the JSON schema is nested more than ${MAX_SCHEMA_NESTING} levels deep`);
    switch (typeof v) {
      case 'boolean':
      case 'number':
      case 'undefined':
        continue;
      case 'string':
        if (LONE_SURROGATE.test(v))
          throw new SchemaError('parse', 'the JSON schema contains a lone surrogate, which is not valid Unicode');
        continue;
      case 'bigint':
        throw new SchemaError('parse', `the JSON schema contains a bigint (\`${v}n\`), which is not JSON`);
    }
    if (v === null) continue;
    if (Array.isArray(v)) {
      for (const x of v) stack.push([x, depth + 1]);
      continue;
    }
    const proto = typeof v === 'object' ? (Object.getPrototypeOf(v) as object | null) : undefined;
    if (
      proto === undefined ||
      (proto !== null && proto !== Object.prototype && Object.getPrototypeOf(proto) !== null)
    ) {
      throw new SchemaError(
        'parse',
        `the JSON schema contains ${typeof v === 'object' ? 'an object that is not plain JSON' : `a ${typeof v}`}`,
      );
    }
    for (const k of Object.keys(v as object)) {
      if (LONE_SURROGATE.test(k))
        throw new SchemaError('parse', 'the JSON schema contains a lone surrogate, which is not valid Unicode');
      stack.push([(v as Record<string, unknown>)[k], depth + 1]);
    }
  }
}
