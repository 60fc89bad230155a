/**
 * @module identity
 * Who is calling: the delegation chain read from the verified bearer token of the request
 * (`extra.authInfo`, which the transport fills from the HTTP `Authorization` header), through
 * `@mandate/identity`'s `verifyDelegationToken` or a resolver the server supplies. Nothing a
 * client says about itself — `clientInfo`, `_meta`, tool arguments, `authInfo.clientId` — is
 * ever read as identity: only what a signature vouches for.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { type DelegationChain, type VerifyTokenOptions, verifyDelegationToken } from '@mandate/identity';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { McpGuardError, messageOf } from './errors.js';

/** The verified identity of a caller. */
export interface CallerIdentity {
  readonly chain: DelegationChain;
  /** The token's verified claims, when the chain came from `verifyDelegationToken`. */
  readonly claims?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * A resolver from the request's auth info to the caller's chain: for servers whose tokens
 * are not RFC 8693 delegation tokens (introspection, a session lookup). It must verify what
 * it reads; throwing (or returning `undefined`) refuses the call.
 */
export type ChainResolver = (
  authInfo: AuthInfo,
) => Promise<DelegationChain | CallerIdentity | undefined> | DelegationChain | CallerIdentity | undefined;

/** How to authenticate: `verifyDelegationToken` options (key, issuer, audience, …), or a resolver. */
export type Authenticate = VerifyTokenOptions | ChainResolver;

/** Authenticate a request. Throws {@link McpGuardError} of kind `unauthenticated`. */
export async function authenticate(how: Authenticate, authInfo: AuthInfo | undefined): Promise<CallerIdentity> {
  if (authInfo === undefined || typeof authInfo.token !== 'string' || authInfo.token === '')
    throw new McpGuardError('unauthenticated', 'no bearer token');
  try {
    if (typeof how === 'function') {
      const got = await how(authInfo);
      if (got === undefined) throw new McpGuardError('unauthenticated', 'the token resolver refused the token');
      return 'chain' in got ? got : { chain: got };
    }
    const v = await verifyDelegationToken(authInfo.token, how);
    return { chain: v.chain, claims: v.claims };
  } catch (e) {
    if (e instanceof McpGuardError) throw e;
    throw new McpGuardError('unauthenticated', `token refused: ${messageOf(e)}`, { cause: e });
  }
}

/**
 * The `AuthInfo` of an HTTP request's `Authorization: Bearer …` header, unverified (the guard
 * verifies it on every call), or `undefined`. Set it as `req.auth` before
 * `StreamableHTTPServerTransport.handleRequest(req, res)` on a plain `node:http` server; with
 * Express, the SDK's `requireBearerAuth` middleware does this (and answers 401 itself).
 */
export function bearerAuthInfo(headers: IncomingHttpHeaders): AuthInfo | undefined {
  const h = headers.authorization;
  if (typeof h !== 'string') return undefined;
  const m = /^Bearer[ ]+([A-Za-z0-9._~+/=-]+)[ ]*$/i.exec(h);
  if (m === null) return undefined;
  // clientId and scopes are not read by the guard; they are here because AuthInfo needs them.
  return { token: m[1] as string, clientId: '', scopes: [] };
}
