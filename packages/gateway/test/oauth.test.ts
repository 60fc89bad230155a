/**
 * @module test/oauth
 * The OAuth vault against a real authorization server on loopback: oidc-provider 9 with the
 * client credentials grant enabled and RFC 8693 token exchange registered through its
 * `registerGrantType` extension point (oidc-provider has no built-in token exchange; the
 * handler below verifies the subject token and issues the provider's own access token for
 * its subject). A resource server accepts only tokens the provider recognizes.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CryptoKey, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import Provider, { type OidcContext } from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSecretFetch,
  Gateway,
  JWT_TOKEN_TYPE,
  memoryAuditSink,
  OAuthVault,
  TOKEN_EXCHANGE_GRANT,
  VaultError,
} from '../src/index.js';
import { bobChain, chain, makeAuthorizer, session, startServer, type TestServer } from './fixtures.js';

const CLIENT_SECRET = 'gw-client-secret-never-logged-7c1e';
let issuer: string;
let provider: Provider;
let authServer: Server;
let api: TestServer;
let idpKey: { privateKey: CryptoKey; publicKey: CryptoKey };
let now = Date.parse('2026-01-15T10:00:00Z');

/** A token for a user from their identity provider: the subject token of the exchange. */
const userToken = (sub: string) =>
  new SignJWT({})
    .setProtectedHeader({ alg: 'ES256' })
    .setSubject(sub)
    .setIssuer('https://idp.test')
    .setAudience(issuer)
    .setExpirationTime('5m')
    .sign(idpKey.privateKey);

beforeAll(async () => {
  idpKey = await generateKeyPair('ES256');
  authServer = createServer();
  await new Promise<void>((r) => authServer.listen(0, '127.0.0.1', r));
  issuer = `http://127.0.0.1:${(authServer.address() as AddressInfo).port}`;
  const { privateKey: signing } = await generateKeyPair('RS256', { extractable: true });
  const { exportJWK } = await import('jose');
  provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'gateway',
        client_secret: CLIENT_SECRET,
        grant_types: ['client_credentials', TOKEN_EXCHANGE_GRANT],
        redirect_uris: [],
        response_types: [],
        scope: 'api:read',
      },
    ],
    features: { clientCredentials: { enabled: true }, devInteractions: { enabled: false } },
    scopes: ['api:read'],
    ttl: { ClientCredentials: 120, AccessToken: 90 },
    jwks: { keys: [{ ...(await exportJWK(signing)), kid: 'sig', use: 'sig', alg: 'RS256' }] },
  });
  provider.registerGrantType(
    TOKEN_EXCHANGE_GRANT,
    async (ctx: OidcContext) => {
      const { subject_token, subject_token_type } = ctx.oidc.params;
      let sub: string | undefined;
      try {
        if (subject_token_type !== JWT_TOKEN_TYPE) throw new Error('type');
        sub = (await jwtVerify(subject_token ?? '', idpKey.publicKey, { issuer: 'https://idp.test', audience: issuer }))
          .payload.sub;
      } catch {
        sub = undefined;
      }
      if (sub === undefined) {
        ctx.status = 400;
        ctx.body = { error: 'invalid_grant', error_description: 'subject token refused' };
        return;
      }
      const token = new ctx.oidc.provider.AccessToken({
        accountId: sub,
        client: ctx.oidc.client,
        scope: 'api:read',
        gty: TOKEN_EXCHANGE_GRANT,
      });
      ctx.body = {
        access_token: await token.save(),
        issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        token_type: 'Bearer',
        expires_in: token.expiration,
      };
    },
    [
      'subject_token',
      'subject_token_type',
      'actor_token',
      'actor_token_type',
      'audience',
      'requested_token_type',
      'scope',
    ],
  );
  authServer.on('request', provider.callback());

  // The resource server: who does the presented token belong to, per the provider?
  api = await startServer(async (req, res) => {
    const value = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    const at = await provider.AccessToken.find(value);
    const cc = at === undefined ? await provider.ClientCredentials.find(value) : undefined;
    if (at === undefined && cc === undefined) res.writeHead(401).end('unknown token');
    else res.end(JSON.stringify(at !== undefined ? { user: at.accountId } : { client: cc?.clientId }));
  });
});

afterAll(async () => {
  await api.close();
  authServer.closeAllConnections();
  await new Promise<void>((r) => authServer.close(() => r()));
});

function vault(clientSecret = CLIENT_SECRET) {
  return new OAuthVault({
    tokenEndpoint: `${issuer}/token`,
    client: { id: 'gateway', secret: clientSecret },
    now: () => now,
    secrets: {
      service: { grant: 'client_credentials', scope: 'api:read' },
      'on-behalf': {
        grant: 'token-exchange',
        subjectToken: ({ chain: c }) => userToken(c.root.id),
        subjectTokenType: JWT_TOKEN_TYPE,
        scope: 'api:read',
      },
    },
  });
}

function gatewayWith(v: OAuthVault) {
  const audit = memoryAuditSink();
  const gateway = new Gateway({
    authorizer: makeAuthorizer([
      { ref: 'secret://idp/service', hosts: [api.host] },
      { ref: 'secret://idp/on-behalf', hosts: [api.host] },
    ]),
    vaults: { idp: v },
    audit: audit.sink,
  });
  return { gateway, events: audit.events };
}

describe('OAuthVault', () => {
  it('obtains a client-credentials token, caches it until shortly before expiry', async () => {
    const v = vault();
    const { gateway } = gatewayWith(v);
    const f = createSecretFetch(gateway, { chain, context: () => session() });
    const call = async () => (await f(`${api.origin}/data`, { secret: 'secret://idp/service' })).json();
    expect(await call()).toEqual({ client: 'gateway' });
    expect(await call()).toEqual({ client: 'gateway' });
    expect(v.requests).toBe(1);
    now += 89_000; // 120 s token, refreshed 30 s before expiry
    await call();
    expect(v.requests).toBe(1);
    now += 2_000;
    expect(await call()).toEqual({ client: 'gateway' });
    expect(v.requests).toBe(2);
  });

  it('shares one token request between concurrent releases', async () => {
    const v = vault();
    const ctx = { chain, destination: { origin: api.origin, host: api.host, method: 'GET', path: '/' } };
    const records = await Promise.all(Array.from({ length: 8 }, () => v.resolve('service', ctx)));
    expect(new Set(records.map((r) => r.value)).size).toBe(1);
    expect(v.requests).toBe(1);
  });

  it('exchanges the user token for a token on behalf of the chain’s user, never shared across users', async () => {
    const v = vault();
    const { gateway } = gatewayWith(v);
    const asAlice = createSecretFetch(gateway, { chain, context: () => session() });
    const asBob = createSecretFetch(gateway, { chain: bobChain, context: () => session() });
    const url = `${api.origin}/me`;
    expect(await (await asAlice(url, { secret: 'secret://idp/on-behalf' })).json()).toEqual({ user: 'alice' });
    expect(await (await asBob(url, { secret: 'secret://idp/on-behalf' })).json()).toEqual({ user: 'bob' });
    expect(v.requests).toBe(2);
  });

  it('fails closed when the provider refuses, without the client secret anywhere', async () => {
    const v = vault('wrong-secret');
    const { gateway, events } = gatewayWith(v);
    const grant = await gateway.grant({
      chain,
      ref: 'secret://idp/service',
      url: `${api.origin}/x`,
      context: session(),
    });
    const e = await gateway.release(grant).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(VaultError);
    expect((e as VaultError).kind).toBe('provider');
    expect((e as VaultError).message).toContain('`invalid_client`');
    expect(JSON.stringify(events)).not.toContain('wrong-secret');
    expect(JSON.stringify(events)).not.toContain(CLIENT_SECRET);
    expect(events.at(-1)).toMatchObject({ type: 'refusal', stage: 'release', error: { kind: 'provider' } });
  });

  it('refuses a plain-http token endpoint off loopback', () => {
    expect(
      () =>
        new OAuthVault({
          tokenEndpoint: 'http://auth.example.com/token',
          client: { id: 'a', secret: 'b' },
          secrets: {},
        }),
    ).toThrow(VaultError);
  });
});
