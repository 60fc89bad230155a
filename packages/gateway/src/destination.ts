/**
 * @module destination
 * Where a credential would go: origin, method and path, taken from a URL once, in one place,
 * so that what the authorizer decides on, what a grant is bound to and where the request is
 * actually sent are the same thing. The query string is not part of a destination: a grant
 * is for an endpoint, and a query-parameter credential is added to the query by the gateway.
 */
import { GrantError } from './errors.js';

export interface Destination {
  /** `https://api.example.com` (scheme, host, non-default port). */
  readonly origin: string;
  /** `api.example.com`, or `host:port` for a non-default port — `context.host` in Cedar. */
  readonly host: string;
  /** Upper case (`GET`, `POST`, …). */
  readonly method: string;
  /** The URL's path, as the URL parser normalized it (`/repos/a/b`). */
  readonly path: string;
}

// RFC 9110 method token.
const METHOD = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Parse a URL (http or https, no userinfo) and method into a destination; throws {@link GrantError} `request`. */
export function destinationOf(url: string | URL, method = 'GET'): { destination: Destination; url: URL } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new GrantError('request', `\`${String(url)}\` is not an absolute url`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:')
    throw new GrantError('request', `\`${u.protocol}\` urls cannot carry credentials; only http and https`);
  // Credentials in the URL would travel beside the gateway's and outside any grant.
  if (u.username !== '' || u.password !== '') throw new GrantError('request', 'a url with userinfo is refused');
  if (!METHOD.test(method)) throw new GrantError('request', `\`${method}\` is not an http method`);
  return {
    url: u,
    destination: Object.freeze({ origin: u.origin, host: u.host, method: method.toUpperCase(), path: u.pathname }),
  };
}

export function sameDestination(a: Destination, b: Destination): boolean {
  return a.origin === b.origin && a.method === b.method && a.path === b.path;
}

export function destinationText(d: Destination): string {
  return `${d.method} ${d.origin}${d.path}`;
}
