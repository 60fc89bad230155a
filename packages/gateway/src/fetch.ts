/**
 * @module fetch
 * A `fetch` for agent tools that takes a secret reference where a credential would go — in a
 * header value (`Authorization: Bearer secret://github/alice`) or as the `secret` option — and
 * never gives the tool the credential:
 *
 * - the reference is taken out of the request, the gateway asks for a grant for this
 *   destination (origin, method, path) and releases the credential into the request only if
 *   allowed; a denied request is not sent at all;
 * - redirects are followed by hand: a same-origin hop is authorized again (new grant), a hop
 *   to another origin carries no credential — nor does anything after it — and a redirect
 *   whose location contains the credential is not followed;
 * - the response's headers, status text, url and body are scrubbed of the credential in every
 *   form it was sent in, and errors are rebuilt without causes so no credential rides along.
 */
import type { DelegationChain } from '@mandate/identity';
import type { Credential } from './credential.js';
import { SecretFetchError, SecretRefError } from './errors.js';
import type { Gateway } from './gateway.js';
import { Redactor } from './redact.js';
import { findSecretRefs, parseSecretRef } from './reference.js';

/** Redirects followed at most (as browsers do). */
export const DEFAULT_MAX_REDIRECTS = 20;

export interface SecretFetchOptions {
  readonly chain: DelegationChain;
  /**
   * The Cedar context for each decision (`session`, `intent`, …), or a function giving it
   * afresh for each request (so that `session.now` is the time of the request).
   */
  readonly context?:
    | Readonly<Record<string, unknown>>
    | (() => Readonly<Record<string, unknown>> | undefined)
    | undefined;
  readonly maxRedirects?: number | undefined;
  /** The underlying fetch (default `globalThis.fetch`). */
  readonly fetch?: typeof globalThis.fetch | undefined;
}

/** `RequestInit` plus the reference of the secret to present. */
export type SecretRequestInit = RequestInit & { readonly secret?: string | undefined };

export type SecretFetch = (input: string | URL | Request, init?: SecretRequestInit) => Promise<Response>;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const NULL_BODY = new Set([101, 103, 204, 205, 304]);
// Headers that describe a body, dropped when a redirect turns the request into a GET.
const BODY_HEADERS = ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location'];
// Headers never sent to another origin after a redirect (as the fetch standard does for the first).
const CROSS_ORIGIN_DROP = ['authorization', 'proxy-authorization', 'cookie'];

/** A fetch-compatible function that resolves secret references through `gateway` for `opts.chain`. */
export function createSecretFetch(gateway: Gateway, opts: SecretFetchOptions): SecretFetch {
  const baseFetch = opts.fetch ?? globalThis.fetch;
  const maxRedirects = opts.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const contextOf = () => (typeof opts.context === 'function' ? opts.context() : opts.context);

  return async (input, init = {}) => {
    const { secret, ...rest } = init;
    let request: Request;
    try {
      request = new Request(input, rest);
    } catch (e) {
      throw new SecretFetchError('request', `the request cannot be built: ${e instanceof Error ? e.message : 'error'}`);
    }

    // Take every reference out of the headers: the header that carried it is replaced by the
    // injected credential, or dropped.
    const found = new Set<string>();
    if (secret !== undefined) found.add(secret);
    const headers = new Headers();
    for (const [k, v] of request.headers) {
      const refs = findSecretRefs(v);
      if (refs.length === 0) headers.append(k, v);
      for (const r of refs) found.add(r);
    }
    for (const r of found) parseSecretRef(r); // strict: a malformed reference is an error, not text sent on
    if (found.size > 1)
      throw new SecretFetchError('request', `a request may carry one secret reference, got ${found.size}`);
    const ref = found.values().next().value;

    let url = new URL(request.url);
    let method = request.method;
    let body: Uint8Array | undefined = request.body === null ? undefined : new Uint8Array(await request.arrayBuffer());
    const signal = rest.signal ?? undefined;
    const firstOrigin = url.origin;
    const redactor = new Redactor();
    // Once a redirect has left the first origin, nothing after it is sent with the credential:
    // another origin must not be able to choose where an authenticated request goes.
    let leftOrigin = false;

    for (let hop = 0; ; hop++) {
      const sendUrl = new URL(url);
      const sendHeaders = new Headers(headers);
      let credential: Credential | undefined;
      if (url.origin !== firstOrigin) leftOrigin = true;
      if (leftOrigin) for (const h of CROSS_ORIGIN_DROP) sendHeaders.delete(h);
      else if (ref !== undefined) {
        const grant = await gateway.grant({ chain: opts.chain, ref, url, method, context: contextOf() });
        credential = await gateway.release(grant, { url, method }, signal);
        redactor.add(credential.sensitiveValues());
        credential.applyTo(sendUrl, sendHeaders);
      }

      let res: Response;
      try {
        res = await baseFetch(sendUrl, {
          method,
          headers: sendHeaders,
          redirect: 'manual',
          ...(body !== undefined ? { body } : {}),
          ...(signal !== undefined ? { signal } : {}),
        });
      } catch (e) {
        if (signal?.aborted === true) throw new SecretFetchError('network', 'the request was aborted');
        throw new SecretFetchError(
          'network',
          redactor.string(`request to \`${url.origin}${url.pathname}\` failed: ${describe(e)}`),
        );
      }

      const location = REDIRECTS.has(res.status) ? res.headers.get('location') : null;
      if (location === null || request.redirect === 'manual') return scrub(res, redactor, url, hop > 0);
      await res.body?.cancel().catch(() => undefined);
      const from = `\`${url.origin}${url.pathname}\``;
      if (request.redirect === 'error')
        throw new SecretFetchError('redirect', `${from} redirected, and redirects were refused`);
      if (hop >= maxRedirects) throw new SecretFetchError('redirect', `more than ${maxRedirects} redirects`);
      if (redactor.leaks(location))
        throw await gateway.refuse(
          'redirect',
          undefined,
          ref ?? '',
          opts.chain,
          new SecretFetchError(
            'redirect',
            `a redirect from ${from} carries the credential in its location; not followed`,
          ),
        );
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        throw new SecretFetchError('redirect', `a redirect from ${from} has an invalid location`);
      }
      if (next.protocol !== 'http:' && next.protocol !== 'https:')
        throw new SecretFetchError('redirect', `a redirect from ${from} goes to \`${next.protocol}\`, not http(s)`);
      // Method and body as the fetch standard rewrites them.
      if (
        (res.status === 303 && method !== 'HEAD') ||
        ((res.status === 301 || res.status === 302) && method === 'POST')
      ) {
        method = 'GET';
        body = undefined;
        for (const h of BODY_HEADERS) headers.delete(h);
      }
      url = next;
    }
  };
}

function scrub(res: Response, redactor: Redactor, url: URL, redirected: boolean): Response {
  const headers = redactor.headers(res.headers);
  // The body is decoded and may change length when redacted.
  headers.delete('content-length');
  headers.delete('content-encoding');
  const body = NULL_BODY.has(res.status) || res.body === null ? null : redactor.stream(res.body);
  const out = new Response(body, { status: res.status, statusText: redactor.string(res.statusText), headers });
  // `url` and `redirected` are read-only getters on Response; give the scrubbed copy the real ones.
  Object.defineProperty(out, 'url', { value: redactor.string(url.href) });
  Object.defineProperty(out, 'redirected', { value: redirected });
  return out;
}

function describe(e: unknown): string {
  if (e instanceof SecretRefError) return e.message;
  const cause = (e as { cause?: { code?: unknown } } | undefined)?.cause;
  const code = typeof cause?.code === 'string' ? ` (${cause.code})` : '';
  return `${e instanceof Error ? e.message : 'error'}${code}`;
}
