/**
 * @module spiffe
 * SPIFFE IDs (SPIFFE ID specification §2): `spiffe://<trust domain>/<path>`, parsed exactly and
 * without regular expressions, and agent hops named by them.
 *
 * The rules are the specification's: scheme `spiffe`; a non-empty trust domain of lowercase
 * letters, digits, `.`, `-` and `_`, at most 255 bytes, with no userinfo or port; path segments
 * of letters, digits, `.`, `-` and `_`, none empty, `.` or `..`, no trailing `/`; no query, no
 * fragment, no percent-encoding; at most 2048 bytes in all. They exist so that one workload has
 * exactly one spelling — an ID that could be read two ways is how an identity check is fooled —
 * so nothing is normalized: an ID that is not already canonical is refused, with a
 * {@link SpiffeIdError} saying what and where. The scheme is compared exactly too (`SPIFFE://`
 * is refused), as go-spiffe does.
 */
import type { AgentHop } from './chain.js';
import { ChainError, SpiffeIdError, type SpiffeIdErrorKind } from './errors.js';

/** Longest SPIFFE ID accepted, in bytes (§2.3). Every accepted character is ASCII: one byte. */
export const SPIFFE_ID_MAX_LENGTH = 2048;
/** Longest trust domain name accepted, in bytes (§2.3, after RFC 3986's host). */
export const TRUST_DOMAIN_MAX_LENGTH = 255;

const SCHEME = 'spiffe://';

/** A parsed SPIFFE ID. */
export interface SpiffeId {
  /** The ID as given (it is canonical, or it would have been refused). */
  readonly id: string;
  /** The trust domain name, e.g. `corp.example`. */
  readonly trustDomain: string;
  /** The path, `''` or starting with `/`, e.g. `/agents/coder`. */
  readonly path: string;
  /** The path's segments, e.g. `['agents', 'coder']`. */
  readonly segments: readonly string[];
}

export interface ParseSpiffeIdOptions {
  /**
   * Require a path: the ID of a workload rather than of a trust domain (`spiffe://corp.example`
   * names the trust domain itself, whose authority signs SVIDs). Default `false`.
   */
  readonly requirePath?: boolean | undefined;
}

/** Parse a SPIFFE ID. Throws {@link SpiffeIdError} saying what is wrong and at which index. */
export function parseSpiffeId(input: string, opts: ParseSpiffeIdOptions = {}): SpiffeId {
  if (typeof input !== 'string') throw new TypeError(`a SPIFFE ID is a string, got \`${typeof input}\``);
  if (input === '') fail('empty', input, 'it is empty');
  // Length first, so a huge input costs nothing more to refuse.
  if (input.length > SPIFFE_ID_MAX_LENGTH)
    fail('length', input, `it is ${input.length} characters long, more than the ${SPIFFE_ID_MAX_LENGTH} allowed`);
  if (!input.startsWith(SCHEME)) fail('scheme', input, 'the scheme must be `spiffe://` (lowercase)', 0);

  const tdEnd = scanTrustDomain(input, SCHEME.length);
  const trustDomain = input.slice(SCHEME.length, tdEnd);
  const path = input.slice(tdEnd);
  if (path === '') {
    if (opts.requirePath === true)
      fail('no-path', input, 'it names a trust domain, not a workload (a workload ID has a path)');
    return Object.freeze({ id: input, trustDomain, path, segments: Object.freeze([]) });
  }
  return Object.freeze({ id: input, trustDomain, path, segments: Object.freeze(scanPath(input, tdEnd)) });
}

/** Whether `s` is a valid SPIFFE ID (with a path when `requirePath`). */
export function isSpiffeId(s: unknown, opts: ParseSpiffeIdOptions = {}): s is string {
  if (typeof s !== 'string') return false;
  try {
    parseSpiffeId(s, opts);
    return true;
  } catch {
    return false;
  }
}

/** Whether `s` claims to be a SPIFFE ID (its scheme, in any case): then it must be a valid one. */
export function looksLikeSpiffeId(s: string): boolean {
  return s.slice(0, 7).toLowerCase() === 'spiffe:';
}

/**
 * Check a trust domain name (`corp.example`, not `spiffe://corp.example`) and return it.
 * Throws {@link SpiffeIdError} of kind `trust-domain`, `authority` or `length`.
 */
export function parseTrustDomain(name: string): string {
  if (typeof name !== 'string' || name === '')
    throw new SpiffeIdError('trust-domain', String(name), 'a trust domain name must not be empty');
  const id = `${SCHEME}${name}`;
  try {
    const end = scanTrustDomain(id, SCHEME.length);
    if (end !== id.length) fail('trust-domain', id, 'a trust domain name has no `/` or path', end);
  } catch (e) {
    if (!(e instanceof SpiffeIdError)) throw e;
    throw new SpiffeIdError(e.kind, name, `\`${show(name)}\` is not a trust domain name: ${reason(e)}`, e.index);
  }
  return name;
}

/** Options for hops named by SPIFFE IDs. */
export interface SpiffeHopOptions {
  /** Trust domains whose workloads may be agents on a chain. Required: an empty list allows none. */
  readonly trustDomains: readonly string[];
  /** Id of the user who owns the agent (default: the chain's root user). */
  readonly owner?: string | undefined;
  /** Groups the agent is in. */
  readonly groups?: readonly string[] | undefined;
  /** What this hop was delegated. */
  readonly scope?: readonly string[] | undefined;
  /** Who vouched for this hop (e.g. the issuer of the token that named it). */
  readonly issuer?: string | undefined;
}

/**
 * An agent hop for the workload `spiffeId`, whose id is the SPIFFE ID itself. Throws
 * {@link ChainError}: `invalid` when it is not a workload SPIFFE ID, `trust-domain` when its
 * trust domain is not in `trustDomains`. The hop is never `attested`: being named is not
 * having been attested (that comes from the registry or a verified attestation).
 */
export function agentHopFromSpiffeId(spiffeId: string, opts: SpiffeHopOptions): AgentHop {
  let parsed: SpiffeId;
  try {
    parsed = parseSpiffeId(spiffeId, { requirePath: true });
  } catch (e) {
    if (e instanceof SpiffeIdError) throw new ChainError('invalid', e.message, 'spiffeId');
    throw e;
  }
  checkTrustDomainAllowed(parsed, opts.trustDomains, 'spiffeId');
  return Object.freeze({
    id: parsed.id,
    scope: opts.scope === undefined ? undefined : Object.freeze([...opts.scope]),
    spiffeId: parsed.id,
    attested: false,
    owner: opts.owner,
    groups: Object.freeze([...(opts.groups ?? [])]),
    issuer: opts.issuer,
  });
}

/** Throw {@link ChainError} of kind `trust-domain` unless `id`'s trust domain is in `allowed`. */
export function checkTrustDomainAllowed(id: SpiffeId, allowed: readonly string[], path: string): void {
  if (!allowed.includes(id.trustDomain))
    throw new ChainError(
      'trust-domain',
      `SPIFFE ID \`${show(id.id)}\` is in trust domain \`${id.trustDomain}\`, which is not allowed (allowed: ${
        allowed.length === 0 ? 'none' : allowed.map((d) => `\`${d}\``).join(', ')
      })`,
      path,
    );
}

/** Scan the trust domain starting at `start`; return the index where it ends (a `/` or the end). */
function scanTrustDomain(input: string, start: number): number {
  let i = start;
  for (; i < input.length; i++) {
    const c = input.charCodeAt(i);
    if (c === SLASH) break;
    if (isLower(c) || isDigit(c) || c === DOT || c === DASH || c === UNDERSCORE) continue;
    const ch = input[i] as string;
    if (ch === '@') fail('authority', input, `userinfo (\`@\` at index ${i}) is not allowed in a SPIFFE ID`, i);
    if (ch === ':') fail('authority', input, `a port (\`:\` at index ${i}) is not allowed in a SPIFFE ID`, i);
    notAllowedAnywhere(input, ch, i);
    if (isUpper(c)) fail('trust-domain', input, `the trust domain must be lowercase (\`${ch}\` at index ${i})`, i);
    fail(
      'trust-domain',
      input,
      `trust domain character \`${ch}\` at index ${i} is not allowed (lowercase letters, digits, \`.\`, \`-\`, \`_\` only)`,
      i,
    );
  }
  if (i === start) fail('trust-domain', input, 'the trust domain is missing', start);
  if (i - start > TRUST_DOMAIN_MAX_LENGTH)
    fail(
      'length',
      input,
      `the trust domain is ${i - start} characters long, more than the ${TRUST_DOMAIN_MAX_LENGTH} allowed`,
    );
  return i;
}

/** Scan a path that starts with `/` at `start`; return its segments. */
function scanPath(input: string, start: number): string[] {
  const segments: string[] = [];
  let segStart = start + 1;
  for (let i = segStart; i <= input.length; i++) {
    const c = i === input.length ? SLASH : input.charCodeAt(i);
    if (c === SLASH) {
      const seg = input.slice(segStart, i);
      if (seg === '')
        fail(
          'path',
          input,
          i === input.length ? 'the path has a trailing `/`' : `the path has an empty segment (at index ${i})`,
          i,
        );
      if (seg === '.' || seg === '..')
        fail('path', input, `the path has a \`${seg}\` segment (relative segments are not allowed)`, segStart);
      segments.push(seg);
      segStart = i + 1;
      continue;
    }
    if (isLower(c) || isUpper(c) || isDigit(c) || c === DOT || c === DASH || c === UNDERSCORE) continue;
    const ch = input[i] as string;
    notAllowedAnywhere(input, ch, i);
    fail(
      'path',
      input,
      `path character \`${printable(ch)}\` at index ${i} is not allowed (letters, digits, \`.\`, \`-\`, \`_\` only)`,
      i,
    );
  }
  return segments;
}

/** Characters that say something more specific than "not allowed". */
function notAllowedAnywhere(input: string, ch: string, i: number): void {
  if (ch === '?') fail('query', input, `a query (\`?\` at index ${i}) is not allowed in a SPIFFE ID`, i);
  if (ch === '#') fail('fragment', input, `a fragment (\`#\` at index ${i}) is not allowed in a SPIFFE ID`, i);
  if (ch === '%')
    fail('percent-encoding', input, `percent-encoding (\`%\` at index ${i}) is not allowed in a SPIFFE ID`, i);
}

function fail(kind: SpiffeIdErrorKind, input: string, what: string, index = -1): never {
  throw new SpiffeIdError(kind, input, `\`${show(input)}\` is not a SPIFFE ID: ${what}`, index);
}

/** The "what" part of an error made by {@link fail}. */
function reason(e: SpiffeIdError): string {
  const at = e.message.indexOf(': ');
  return at === -1 ? e.message : e.message.slice(at + 2);
}

/** Inputs can be 2 KiB and hold control characters: keep messages one short line. */
function show(s: string): string {
  const cut = s.length > 96 ? `${s.slice(0, 93)}…` : s;
  return printable(cut);
}

function printable(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    out += c < 0x20 || c === 0x7f ? `\\u${c.toString(16).padStart(4, '0')}` : ch;
  }
  return out;
}

const SLASH = 0x2f;
const DOT = 0x2e;
const DASH = 0x2d;
const UNDERSCORE = 0x5f;
const isLower = (c: number) => c >= 0x61 && c <= 0x7a;
const isUpper = (c: number) => c >= 0x41 && c <= 0x5a;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
