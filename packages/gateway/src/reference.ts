/**
 * @module reference
 * Secret references: the opaque strings an agent holds instead of credentials, of the form
 * `secret://<vault>/<name>[/<name>…]` (e.g. `secret://github/alice`). A reference names a
 * secret; it is not one, and nothing the agent can reach resolves it — only the gateway does,
 * after the authorizer allows this use.
 *
 * The grammar is deliberately narrow and parsed by hand, not by `URL`: a URL parser
 * normalizes (case, percent-encoding, dot segments), and a reference that normalizes to
 * another one could make a policy written for one secret apply to a request for a different
 * one. Here a reference is accepted exactly as written or refused.
 */
import { SecretRefError } from './errors.js';

export const SECRET_REF_PREFIX = 'secret://';
/** Longest reference accepted. */
export const MAX_SECRET_REF_LENGTH = 512;

/** A parsed reference. `ref` is the canonical text, and the id of the `Secret` entity in Cedar. */
export interface SecretRef {
  readonly ref: string;
  /** Which vault holds it: the first segment. */
  readonly vault: string;
  /** The secret's name in that vault: the remaining segments joined by `/`. */
  readonly name: string;
}

// Vault names: lowercase DNS-label-like. Name segments: a conservative set that needs no
// escaping in URLs, headers, file names or Cedar ids.
const VAULT = /^[a-z0-9](?:[a-z0-9-]{0,62})$/;
const SEGMENT = /^[A-Za-z0-9._@+-]{1,128}$/;

/** The result of {@link checkSecretRef}. */
export type SecretRefCheck =
  | { readonly ok: true; readonly ref: SecretRef }
  | { readonly ok: false; readonly error: SecretRefError };

/** Parse a reference without throwing. */
export function checkSecretRef(input: unknown): SecretRefCheck {
  if (typeof input !== 'string') return fail('malformed', `a secret reference must be a string, got ${typeof input}`);
  if (input.length > MAX_SECRET_REF_LENGTH)
    return fail('length', `secret reference is longer than ${MAX_SECRET_REF_LENGTH} characters`);
  if (!input.startsWith(SECRET_REF_PREFIX)) {
    const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(input);
    return scheme !== null
      ? fail('scheme', `\`${input}\` has scheme \`${scheme[1]}:\`, expected \`secret://\``)
      : fail('malformed', `\`${input}\` is not a secret reference (\`secret://vault/name\`)`);
  }
  const segments = input.slice(SECRET_REF_PREFIX.length).split('/');
  if (segments.length < 2) return fail('malformed', `\`${input}\` names no secret (\`secret://vault/name\`)`);
  const [vault, ...rest] = segments as [string, ...string[]];
  if (!VAULT.test(vault))
    return fail('segment', `\`${input}\` has vault \`${vault}\`: lowercase letters, digits and \`-\` only`);
  for (const s of rest) {
    if (s === '') return fail('segment', `\`${input}\` has an empty name segment`);
    if (s === '.' || s === '..') return fail('segment', `\`${input}\` has a dot segment \`${s}\``);
    if (!SEGMENT.test(s))
      return fail('segment', `\`${input}\` has name segment \`${s}\`: letters, digits and \`._@+-\` only`);
  }
  return { ok: true, ref: Object.freeze({ ref: input, vault, name: rest.join('/') }) };
}

/** Parse a reference; throws {@link SecretRefError}. */
export function parseSecretRef(input: unknown): SecretRef {
  const r = checkSecretRef(input);
  if (!r.ok) throw r.error;
  return r.ref;
}

/** Whether `input` is a well-formed reference. */
export function isSecretRef(input: unknown): input is string {
  return checkSecretRef(input).ok;
}

/**
 * The candidate references inside a text such as a header value (`Bearer secret://x/y`):
 * every run starting with `secret://` up to whitespace, `,` or `;`. Candidates are returned as
 * found, to be parsed strictly by the caller, so a malformed one is an error rather than text
 * sent on as is.
 */
export function findSecretRefs(text: string): string[] {
  const out: string[] = [];
  let from = 0;
  for (;;) {
    const i = text.indexOf(SECRET_REF_PREFIX, from);
    if (i === -1) return out;
    let j = i + SECRET_REF_PREFIX.length;
    while (j < text.length && !/[\s,;]/.test(text[j] as string)) j++;
    out.push(text.slice(i, j));
    from = j;
  }
}

function fail(kind: SecretRefError['kind'], message: string): SecretRefCheck {
  return { ok: false, error: new SecretRefError(kind, message) };
}
