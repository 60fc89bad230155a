/**
 * @module test/oidc-provider
 * oidc-provider ships no type declarations; the tests use a small part of it, typed loosely
 * here (a dev-only dependency, never imported by the package itself).
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface OidcContext {
    oidc: {
      params: Record<string, string | undefined>;
      client: unknown;
      provider: Provider;
    };
    body: unknown;
    status: number;
  }

  export interface StoredToken {
    accountId?: string;
    clientId?: string;
    scope?: string;
    gty?: string;
    expiration: number;
    save(): Promise<string>;
  }

  interface TokenModel {
    new (init: Record<string, unknown>): StoredToken;
    find(value: string): Promise<StoredToken | undefined>;
  }

  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    registerGrantType(name: string, handler: (ctx: OidcContext) => Promise<void>, params?: string[]): void;
    AccessToken: TokenModel;
    ClientCredentials: TokenModel;
  }
}
