/**
 * @module credential
 * A released credential: what to put on one request (headers or query parameters, as the
 * secret's `inject` says) and every form in which its value could come back (raw, encoded,
 * inside the header it was sent in, re-encoded as hex or base64), for redaction. It does not
 * print its value: `toString`, `toJSON` and `util.inspect` say `[redacted]`, so logging one by
 * mistake leaks nothing.
 */
import { inspect } from 'node:util';
import type { Destination } from './destination.js';
import { VaultError } from './errors.js';
import { Redactor } from './redact.js';
import type { SecretRecord } from './secret.js';
import { mintAssertion } from './signing.js';

export class Credential {
  /** The grant this credential was released for. */
  readonly grantId: string;
  /** The destination it may be presented to, and only there. */
  readonly destination: Destination;
  /** When the presented value stops being valid (epoch ms), when known. */
  readonly expiresAt: number | undefined;
  readonly #headers: ReadonlyArray<readonly [string, string]>;
  readonly #query: ReadonlyArray<readonly [string, string]>;
  readonly #sensitive: readonly string[];

  private constructor(
    grantId: string,
    destination: Destination,
    expiresAt: number | undefined,
    headers: ReadonlyArray<readonly [string, string]>,
    query: ReadonlyArray<readonly [string, string]>,
    sensitive: readonly string[],
  ) {
    this.grantId = grantId;
    this.destination = destination;
    this.expiresAt = expiresAt;
    this.#headers = headers;
    this.#query = query;
    this.#sensitive = sensitive;
  }

  /** @internal Build the credential for `record` at `destination` (mints a JWT for a signing key). */
  static async fromRecord(
    grantId: string,
    name: string,
    record: SecretRecord,
    destination: Destination,
    nowMs: number,
  ): Promise<Credential> {
    let presented = record.value;
    let expiresAt = record.expiresAt;
    const sensitive = new Set<string>();
    addVariants(sensitive, record.value);
    if (record.sign !== undefined) {
      const minted = await mintAssertion(record.value, record.sign, destination, name, nowMs);
      presented = minted.token;
      expiresAt = minted.expiresAt;
      addVariants(sensitive, presented);
    }
    const headers: [string, string][] = [];
    const query: [string, string][] = [];
    const inject = record.inject ?? { type: 'bearer' };
    switch (inject.type) {
      case 'bearer':
        headers.push(['authorization', `Bearer ${presented}`]);
        break;
      case 'header':
        headers.push([inject.name.toLowerCase(), `${inject.prefix ?? ''}${presented}`]);
        break;
      case 'basic': {
        const b64 = Buffer.from(`${inject.username}:${presented}`, 'utf8').toString('base64');
        sensitive.add(b64);
        headers.push(['authorization', `Basic ${b64}`]);
        break;
      }
      case 'query':
        query.push([inject.param, presented]);
        break;
    }
    for (const [, v] of headers) {
      // A header value with CR, LF or NUL would split or end the request; refuse it, unnamed.
      if (!/^[\t\x20-\x7e\x80-\xff]*$/.test(v))
        throw new VaultError('format', `secret \`${name}\` has characters not allowed in an http header`);
      sensitive.add(v);
      // The whole header value re-encoded: an echo of the header or request head in base64/hex.
      for (const form of encodedForms(v)) sensitive.add(form);
    }
    // The query value as it goes on the wire (form-encoded), re-encoded: an echo of the
    // request line in base64/hex. (The raw value's forms are already registered above.)
    for (const [, v] of query)
      for (const form of encodedForms(new URLSearchParams({ v }).toString().slice(2))) sensitive.add(form);
    return new Credential(grantId, destination, expiresAt, headers, query, [...sensitive]);
  }

  /** Put the credential on a request to `url` (the destination's origin and path). */
  applyTo(url: URL, headers: Headers): void {
    for (const [k, v] of this.#headers) headers.set(k, v);
    for (const [k, v] of this.#query) url.searchParams.set(k, v);
  }

  /** The header names it sets (so a caller can remove look-alikes the agent supplied). */
  headerNames(): string[] {
    return this.#headers.map(([k]) => k);
  }

  /** A redactor for every form of this credential's value. */
  redactor(): Redactor {
    return new Redactor(this.#sensitive);
  }

  /** @internal every form of the value, for a shared redactor. */
  sensitiveValues(): readonly string[] {
    return this.#sensitive;
  }

  /**
   * The headers and query parameters as plain data, for host code (never agent-facing code)
   * that must hand the credential to a client library that does its own HTTP.
   */
  reveal(): { headers: [string, string][]; query: [string, string][] } {
    return { headers: this.#headers.map(([k, v]) => [k, v]), query: this.#query.map(([k, v]) => [k, v]) };
  }

  toString(): string {
    return `Credential [redacted] for ${this.destination.origin}`;
  }
  toJSON(): Record<string, unknown> {
    return { grantId: this.grantId, destination: this.destination, value: '[redacted]' };
  }
  [inspect.custom](): string {
    return this.toString();
  }
}

// The forms in which a value is commonly echoed back: as is, percent-encoded (query strings,
// form bodies), form-encoded, JSON-escaped, and re-encoded as hex or base64 (`encodedForms`).
function addVariants(set: Set<string>, value: string): void {
  set.add(value);
  set.add(encodeURIComponent(value));
  set.add(new URLSearchParams({ v: value }).toString().slice(2));
  set.add(JSON.stringify(value).slice(1, -1));
  for (const form of encodedForms(value)) set.add(form);
}

/**
 * @internal The shortest encoded form registered. A base64 run this long is fixed by 72 bits of
 * the value, so it does not turn up in unrelated text by chance; a shorter fragment (the 2–11
 * characters a short value or an awkward alignment leaves) would occur in innocent base64
 * and ordinary words alike, and redacting it would corrupt responses that carry no secret.
 * Any value of 10 bytes or more has a base64 run at least this long at every alignment; a
 * value of 6 bytes or more has hex at least this long.
 */
export const MIN_ENCODED_FORM = 12;

/**
 * @internal The re-encoded forms of `value` (its UTF-8 bytes) an upstream may echo it in, of
 * at least MIN_ENCODED_FORM characters:
 *
 * - hex, lowercase and uppercase: a debug endpoint or error page that dumps the bytes it
 *   received, a hash-like log field;
 * - base64 and base64url, each in the three byte alignments: an echo that returns the
 *   header, the request head or the whole request base64-encoded (often as a JSON field),
 *   where the value sits anywhere inside a larger base64 text.
 *
 * Base64 encodes 3-byte groups as 4 characters (6 bits each), so inside a longer text the
 * value's bytes start at offset a ∈ {0, 1, 2} of a group, and the characters around it mix
 * its bits with the neighbours'. With the value's bits at [8a, 8a + 8n) of the text, character
 * j (bits [6j, 6j + 6)) depends on the value alone when 8a ≤ 6j and 6j + 6 ≤ 8a + 8n, that is
 * for ceil(4a/3) ≤ j < floor(4(a + n)/3). So: encode a filler bytes then the value, and keep
 * that run — dropping the leading characters that mix in the filler, the trailing partial
 * character (it mixes in whatever follows the value) and any `=` padding. The run is what
 * every base64 text with the value at that alignment contains, whatever surrounds it.
 */
export function encodedForms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const forms = new Set<string>();
  const hex = bytes.toString('hex');
  forms.add(hex);
  forms.add(hex.toUpperCase());
  for (let a = 0; a < 3; a++) {
    const shifted = Buffer.concat([Buffer.alloc(a), bytes]);
    const from = Math.ceil((4 * a) / 3);
    const to = Math.floor((4 * (a + bytes.length)) / 3);
    forms.add(shifted.toString('base64').slice(from, to));
    forms.add(shifted.toString('base64url').slice(from, to));
  }
  return [...forms].filter((f) => f.length >= MIN_ENCODED_FORM);
}
