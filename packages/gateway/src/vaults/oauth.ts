/**
 * @module vaults/oauth
 * A vault that holds no long-lived secret the agent could use: it obtains short-lived access
 * tokens from an OAuth 2.0 authorization server when one is released — by the client
 * credentials grant (RFC 6749 §4.4) for the service's own identity, or by token exchange
 * (RFC 8693) for a token on behalf of the delegation chain's user.
 *
 * Tokens are cached until shortly before they expire (`refreshBeforeSeconds`), per secret
 * and, for token exchange, per user and subject token, so one user's token is never handed
 * out for another. Concurrent releases of the same uncached token share one request. Errors
 * are not cached. The client secret is sent only to the token endpoint, which must be https
 * (or plain http on a loopback address, for tests and sidecars).
 */
import { createHash } from 'node:crypto';
import type { DelegationChain } from '@mandate/identity';
import { z } from 'zod';
import { VaultError } from '../errors.js';
import { type Injection, injectionSchema, type SecretRecord } from '../secret.js';
import type { Vault, VaultContext } from '../vault.js';

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
export const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt';

/** What the subject/actor token callbacks are given. */
export interface TokenExchangeContext {
  readonly chain: DelegationChain;
  readonly signal?: AbortSignal | undefined;
}

interface CommonSpec {
  readonly scope?: string | undefined;
  /** RFC 8707 resource indicator. */
  readonly resource?: string | undefined;
  /** How the token is presented (default bearer). */
  readonly inject?: Injection | undefined;
}

export interface ClientCredentialsSpec extends CommonSpec {
  readonly grant: 'client_credentials';
}

export interface TokenExchangeSpec extends CommonSpec {
  readonly grant: 'token-exchange';
  /** The token representing the chain's user (e.g. their access token or a verified delegation token). */
  readonly subjectToken: (ctx: TokenExchangeContext) => string | Promise<string>;
  /** Default `urn:ietf:params:oauth:token-type:access_token`. */
  readonly subjectTokenType?: string | undefined;
  /** A token representing the acting agent, when the server wants one (RFC 8693 `actor_token`). */
  readonly actorToken?: ((ctx: TokenExchangeContext) => string | Promise<string>) | undefined;
  readonly actorTokenType?: string | undefined;
  readonly audience?: string | undefined;
  readonly requestedTokenType?: string | undefined;
}

export type OAuthSecretSpec = ClientCredentialsSpec | TokenExchangeSpec;

export interface OAuthVaultOptions {
  readonly tokenEndpoint: string | URL;
  /** The gateway's own client registration at the authorization server. */
  readonly client: {
    readonly id: string;
    readonly secret: string;
    /** `client_secret_basic` (default) or `client_secret_post`. */
    readonly auth?: 'client_secret_basic' | 'client_secret_post' | undefined;
  };
  /** Secret name → how to obtain its token. */
  readonly secrets: Readonly<Record<string, OAuthSecretSpec>>;
  /** Refresh this long before expiry (default 30 s). */
  readonly refreshBeforeSeconds?: number | undefined;
  /** Cached tokens kept at most (default 1000; the oldest go first). */
  readonly maxCacheEntries?: number | undefined;
  readonly fetch?: typeof globalThis.fetch | undefined;
  /** Clock in epoch milliseconds (for tests). */
  readonly now?: (() => number) | undefined;
}

const tokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.number().positive().optional(),
  issued_token_type: z.string().optional(),
  scope: z.string().optional(),
});

const errorResponse = z.object({ error: z.string().regex(/^[\x20-\x21\x23-\x5b\x5d-\x7e]{1,64}$/) });

interface Cached {
  readonly record: SecretRecord;
  readonly refreshAt: number;
}

export class OAuthVault implements Vault {
  readonly #endpoint: URL;
  readonly #client: OAuthVaultOptions['client'];
  readonly #secrets = new Map<string, OAuthSecretSpec>();
  readonly #refreshBefore: number;
  readonly #maxEntries: number;
  readonly #fetch: typeof globalThis.fetch;
  readonly #now: () => number;
  readonly #cache = new Map<string, Cached>();
  readonly #inflight = new Map<string, Promise<SecretRecord>>();
  /** Token requests sent (for tests and metrics). */
  requests = 0;

  constructor(options: OAuthVaultOptions) {
    let endpoint: URL;
    try {
      endpoint = new URL(options.tokenEndpoint);
    } catch {
      throw new VaultError('format', `token endpoint \`${String(options.tokenEndpoint)}\` is not a url`);
    }
    const loopback = ['127.0.0.1', '[::1]', 'localhost'].includes(endpoint.hostname);
    if (endpoint.protocol !== 'https:' && !(endpoint.protocol === 'http:' && loopback))
      throw new VaultError('format', `token endpoint \`${endpoint.href}\` must be https (http only on loopback)`);
    this.#endpoint = endpoint;
    this.#client = options.client;
    for (const [name, spec] of Object.entries(options.secrets)) {
      if (spec.inject !== undefined && !injectionSchema.safeParse(spec.inject).success)
        throw new VaultError('format', `oauth secret \`${name}\` has an invalid \`inject\``);
      this.#secrets.set(name, spec);
    }
    this.#refreshBefore = (options.refreshBeforeSeconds ?? 30) * 1000;
    this.#maxEntries = options.maxCacheEntries ?? 1000;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#now = options.now ?? Date.now;
  }

  async resolve(name: string, ctx: VaultContext): Promise<SecretRecord> {
    const spec = this.#secrets.get(name);
    if (spec === undefined) throw new VaultError('not-found', `no secret \`${name}\` in the oauth vault`);
    const tctx: TokenExchangeContext = { chain: ctx.chain, signal: ctx.signal };
    let params: URLSearchParams;
    let key: string;
    if (spec.grant === 'client_credentials') {
      params = new URLSearchParams({ grant_type: 'client_credentials' });
      key = `cc\0${name}`;
    } else {
      const subject = await callToken(spec.subjectToken, tctx, name, 'subject');
      params = new URLSearchParams({
        grant_type: TOKEN_EXCHANGE_GRANT,
        subject_token: subject,
        subject_token_type: spec.subjectTokenType ?? ACCESS_TOKEN_TYPE,
      });
      let actor = '';
      if (spec.actorToken !== undefined) {
        actor = await callToken(spec.actorToken, tctx, name, 'actor');
        params.set('actor_token', actor);
        params.set('actor_token_type', spec.actorTokenType ?? ACCESS_TOKEN_TYPE);
      }
      if (spec.audience !== undefined) params.set('audience', spec.audience);
      if (spec.requestedTokenType !== undefined) params.set('requested_token_type', spec.requestedTokenType);
      // A token obtained for one user (and one subject token) is never served to another.
      key = `te\0${name}\0${ctx.chain.root.id}\0${digest(subject)}\0${digest(actor)}`;
    }
    if (spec.scope !== undefined) params.set('scope', spec.scope);
    if (spec.resource !== undefined) params.set('resource', spec.resource);

    const cached = this.#cache.get(key);
    if (cached !== undefined && this.#now() < cached.refreshAt) return cached.record;
    this.#cache.delete(key);
    const pending = this.#inflight.get(key);
    if (pending !== undefined) return pending;
    const p = this.#request(name, spec, params, key, ctx.signal).finally(() => this.#inflight.delete(key));
    this.#inflight.set(key, p);
    return p;
  }

  /** Forget every cached token (e.g. after a revocation). */
  clear(): void {
    this.#cache.clear();
  }

  async #request(
    name: string,
    spec: OAuthSecretSpec,
    params: URLSearchParams,
    key: string,
    signal: AbortSignal | undefined,
  ): Promise<SecretRecord> {
    const headers = new Headers({
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    });
    if (this.#client.auth === 'client_secret_post') {
      params.set('client_id', this.#client.id);
      params.set('client_secret', this.#client.secret);
    } else {
      // RFC 6749 §2.3.1: id and secret are form-urlencoded before the basic encoding.
      const basic = `${formEncode(this.#client.id)}:${formEncode(this.#client.secret)}`;
      headers.set('authorization', `Basic ${Buffer.from(basic, 'utf8').toString('base64')}`);
    }
    const started = this.#now();
    this.requests++;
    let res: Response;
    try {
      res = await this.#fetch(this.#endpoint, {
        method: 'POST',
        headers,
        body: params.toString(),
        redirect: 'error',
        ...(signal !== undefined ? { signal } : {}),
      });
    } catch {
      // The underlying error could echo the request; say only where it failed.
      throw new VaultError('provider', `token endpoint \`${this.#endpoint.origin}\` cannot be reached`);
    }
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      body = undefined;
    }
    if (!res.ok) {
      const err = errorResponse.safeParse(body);
      const code = err.success ? ` with \`${err.data.error}\`` : '';
      throw new VaultError('provider', `token endpoint refused secret \`${name}\` (status ${res.status}${code})`);
    }
    const parsed = tokenResponse.safeParse(body);
    if (!parsed.success) throw new VaultError('provider', `token endpoint gave no usable token for \`${name}\``);
    const t = parsed.data;
    if (t.token_type.toLowerCase() !== 'bearer' && t.token_type !== 'N_A')
      throw new VaultError('provider', `token endpoint gave a \`${t.token_type}\` token for \`${name}\`; only bearer`);
    const expiresAt = t.expires_in !== undefined ? started + t.expires_in * 1000 : undefined;
    const record: SecretRecord = Object.freeze({
      value: t.access_token,
      ...(spec.inject !== undefined ? { inject: spec.inject } : {}),
      ...(expiresAt !== undefined ? { expiresAt } : {}),
    });
    // A token without a stated lifetime, or about to expire, is used once and not cached.
    if (expiresAt !== undefined && expiresAt - this.#refreshBefore > this.#now()) {
      if (this.#cache.size >= this.#maxEntries) {
        const oldest = this.#cache.keys().next();
        if (oldest.done !== true) this.#cache.delete(oldest.value);
      }
      this.#cache.set(key, { record, refreshAt: expiresAt - this.#refreshBefore });
    }
    return record;
  }
}

async function callToken(
  fn: (ctx: TokenExchangeContext) => string | Promise<string>,
  ctx: TokenExchangeContext,
  name: string,
  which: string,
): Promise<string> {
  let t: unknown;
  try {
    t = await fn(ctx);
  } catch {
    throw new VaultError('provider', `no ${which} token for \`${name}\` on behalf of \`${ctx.chain.root.id}\``);
  }
  if (typeof t !== 'string' || t === '')
    throw new VaultError('provider', `no ${which} token for \`${name}\` on behalf of \`${ctx.chain.root.id}\``);
  return t;
}

function digest(s: string): string {
  return createHash('sha256').update(s).digest('base64url');
}

function formEncode(s: string): string {
  return new URLSearchParams({ s }).toString().slice(2);
}
