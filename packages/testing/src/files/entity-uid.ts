/**
 * @module files/entity-uid
 * Entity uids as Cedar writes them in text and in `cedar run-tests` requests:
 * `User::"alice"`, `Ns::Sub::Type::"id with \"quotes\""`. Escapes are Cedar's string
 * escapes (`\n`, `\r`, `\t`, `\\`, `\0`, `\'`, `\"`, `\u{…}`); names are Cedar identifiers.
 */

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SIMPLE_ESCAPES: ReadonlyMap<string, string> = new Map([
  ['n', '\n'],
  ['r', '\r'],
  ['t', '\t'],
  ['\\', '\\'],
  ['0', '\0'],
  ["'", "'"],
  ['"', '"'],
]);

/** `Type::"id"` → `{ type, id }`; undefined when the text is not an entity uid. */
export function parseEntityUid(text: string): { type: string; id: string } | undefined {
  const s = text.trim();
  const quote = s.indexOf('"');
  if (quote < 0 || !s.endsWith('"') || quote === s.length - 1) return undefined;
  const head = s.slice(0, quote);
  if (!head.endsWith('::')) return undefined;
  const type = head.slice(0, -2);
  const parts = type.split('::');
  if (parts.some((p) => !IDENT.test(p.trim())) || parts.length === 0) return undefined;
  const id = unescapeCedar(s.slice(quote + 1, -1));
  if (id === undefined) return undefined;
  return { type: parts.map((p) => p.trim()).join('::'), id };
}

function unescapeCedar(body: string): string | undefined {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c === '"') return undefined; // an unescaped quote ends the string early
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    if (e === undefined) return undefined;
    const simple = SIMPLE_ESCAPES.get(e);
    if (simple !== undefined) {
      out += simple;
      continue;
    }
    if (e === 'u' && body[i + 1] === '{') {
      const end = body.indexOf('}', i + 2);
      const hex = end < 0 ? '' : body.slice(i + 2, end);
      if (!/^[0-9a-fA-F]{1,6}$/.test(hex)) return undefined;
      const cp = Number.parseInt(hex, 16);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return undefined;
      out += String.fromCodePoint(cp);
      i = end;
      continue;
    }
    return undefined;
  }
  return out;
}
