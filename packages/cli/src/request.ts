/**
 * @module request
 * Requests as a user types them: entity uids in Cedar syntax (`User::"alice"`, the way Cedar
 * prints them) or as JSON, a context as JSON, or a whole request file. Turned into the
 * core's `AuthorizationRequest`; anything malformed is a usage or input error that quotes
 * the offending text.
 */
import { type AuthorizationRequest, parseJsonText } from '@mandate/core';
import { CliError, UsageError } from './errors.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)*$/;

/** Read a Cedar string literal body (after the opening quote); returns the value and the end index. */
function readCedarString(text: string, from: number): { value: string; end: number } | undefined {
  let out = '';
  let i = from;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '"') return { value: out, end: i + 1 };
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    const e = text[i + 1];
    const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', '0': '\0', "'": "'", '"': '"' };
    if (e !== undefined && Object.hasOwn(simple, e)) {
      out += simple[e];
      i += 2;
    } else if (e === 'u' && text[i + 2] === '{') {
      const close = text.indexOf('}', i + 3);
      const hex = close < 0 ? '' : text.slice(i + 3, close);
      if (!/^[0-9a-fA-F]{1,6}$/.test(hex) || Number.parseInt(hex, 16) > 0x10ffff) return undefined;
      out += String.fromCodePoint(Number.parseInt(hex, 16));
      i = close + 1;
    } else return undefined;
  }
  return undefined;
}

/**
 * An entity uid from the command line: Cedar syntax `Type::"id"` (namespaced types such as
 * `Mandate::User::"alice"` included), or JSON `{"type":…,"id":…}` / `{"__entity":…}`.
 */
export function parseUid(text: string, what: string): { type: string; id: string } | Record<string, unknown> {
  const t = text.trim();
  if (t.startsWith('{')) {
    const v = parseJson(t, what);
    if (v === null || typeof v !== 'object' || Array.isArray(v))
      throw new UsageError(`${what} \`${text}\` is not an entity uid`);
    return v as Record<string, unknown>;
  }
  const q = t.indexOf('::"');
  const type = q < 0 ? '' : t.slice(0, q);
  const str = q < 0 ? undefined : readCedarString(t, q + 3);
  if (!NAME.test(type) || str === undefined || str.end !== t.length) {
    const hint = /^[A-Za-z_][A-Za-z0-9_]*$/.test(t)
      ? ` (did you mean \`${what === 'action' ? 'Action' : 'Type'}::"${t}"\`?)`
      : '';
    throw new UsageError(`${what} \`${text}\` is not an entity uid; expected \`Type::"id"\`${hint}`);
  }
  return { type, id: str.value };
}

function parseJson(text: string, what: string): unknown {
  try {
    return parseJsonText(text);
  } catch (e) {
    throw new UsageError(`${what} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** A context given on the command line: a JSON object. */
export function parseContextArg(text: string): Record<string, unknown> {
  const v = parseJson(text, 'context');
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new UsageError(`context \`${text}\` must be a JSON object`);
  }
  return v as Record<string, unknown>;
}

const uidOf = (v: unknown, what: string, where: string): unknown => {
  if (typeof v === 'string') {
    try {
      return parseUid(v, what);
    } catch (e) {
      throw new CliError(`${where}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (v === undefined) throw new CliError(`${where}: the request has no \`${what}\``);
  return v;
};

/**
 * A request from JSON (a request file, a line of a decision log): `principal`, `action`,
 * `resource` as `"Type::\"id\""` strings or uid JSON, and an optional `context` object.
 * `where` prefixes errors (`requests.jsonl:12`).
 */
export function requestFromJson(v: unknown, where: string): AuthorizationRequest {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new CliError(`${where}: a request must be a JSON object with \`principal\`, \`action\` and \`resource\``);
  }
  const r = v as Record<string, unknown>;
  const context = r.context;
  if (context !== undefined && (context === null || typeof context !== 'object' || Array.isArray(context))) {
    throw new CliError(`${where}: \`context\` must be a JSON object`);
  }
  return {
    principal: uidOf(r.principal, 'principal', where) as AuthorizationRequest['principal'],
    action: uidOf(r.action, 'action', where) as AuthorizationRequest['action'],
    resource: uidOf(r.resource, 'resource', where) as AuthorizationRequest['resource'],
    context: (context ?? {}) as Record<string, unknown>,
  };
}

/** `Type::"id"` for any uid form a request may hold (for display). */
export function showUid(v: unknown): string {
  const o = v as { type?: unknown; id?: unknown; __entity?: { type?: unknown; id?: unknown } } | null;
  const u = o && typeof o === 'object' && o.__entity ? o.__entity : o;
  if (u && typeof u === 'object' && typeof u.type === 'string' && typeof u.id === 'string') {
    return `${u.type}::${JSON.stringify(u.id)}`;
  }
  return String(v);
}
