/**
 * @module credential
 * A released credential: what to put on one request (headers or query parameters, as the
 * secret's `inject` says) and every form in which its value could come back (raw, encoded,
 * inside the header it was sent in), for redaction. It does not print its value: `toString`,
 * `toJSON` and `util.inspect` say `[redacted]`, so logging one by mistake leaks nothing.
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
    }
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
// form bodies), form-encoded, and JSON-escaped.
function addVariants(set: Set<string>, value: string): void {
  set.add(value);
  set.add(encodeURIComponent(value));
  set.add(new URLSearchParams({ v: value }).toString().slice(2));
  set.add(JSON.stringify(value).slice(1, -1));
}
