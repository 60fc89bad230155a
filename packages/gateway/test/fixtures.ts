/**
 * @module test/fixtures
 * Shared test material: the Mandate schema, an authorizer over it with the gateway's example
 * policies, a delegation chain and session, and HTTP servers on loopback (node:http, port 0)
 * that record what they receive.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Authorizer } from '@mandate/core';
import { buildChain } from '@mandate/identity';

export const SCHEMA = readFileSync(
  join(import.meta.dirname, '..', '..', '..', 'policies', 'schema', 'mandate.cedarschema'),
  'utf8',
);

/** Secrets go to the hosts their entity lists, never with DELETE, and not in a risky session. */
export const POLICIES = `
@id("secret-to-its-hosts")
permit (principal, action == Mandate::Action::"secret.use", resource is Mandate::Secret)
when { resource.hosts.contains(context.host) };

@id("no-delete-with-secrets")
forbid (principal, action == Mandate::Action::"secret.use", resource)
when { context has method && context.method == "DELETE" };

@id("no-admin-paths")
forbid (principal, action == Mandate::Action::"secret.use", resource)
when { context has path && context.path like "/admin*" };

@id("high-risk-session")
forbid (principal, action, resource)
when { context.session.risk >= 70 };
`;

export interface SecretEntity {
  readonly ref: string;
  readonly hosts: readonly string[];
}

const authorizers = new Map<string, Authorizer>();

/** An authorizer over the schema and POLICIES with these `Secret` entities (memoized: schema validation is slow). */
export function makeAuthorizer(secrets: readonly SecretEntity[]): Authorizer {
  const key = JSON.stringify(secrets);
  const known = authorizers.get(key);
  if (known !== undefined) return known;
  const authz = new Authorizer({
    policies: POLICIES,
    schema: SCHEMA,
    idAnnotation: true,
    entities: secrets.map((s) => ({
      uid: { type: 'Mandate::Secret', id: s.ref },
      attrs: { hosts: [...s.hosts] },
      parents: [],
    })),
  });
  authorizers.set(key, authz);
  return authz;
}

export const chain = buildChain({ root: { id: 'alice' }, hops: [{ id: 'planner' }, { id: 'coder' }] });
export const bobChain = buildChain({ root: { id: 'bob' }, hops: [{ id: 'coder' }] });
// Built as Cedar JSON directly (the record `@mandate/identity`'s session builder makes), so
// these tests depend on the schema's `Session` type only.
export const session = (risk = 0) => ({
  session: {
    id: 's1',
    attested: false,
    risk,
    now: { __extn: { fn: 'datetime', arg: new Date().toISOString() } },
    labels: [],
  },
});

export interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface TestServer {
  readonly origin: string;
  /** `127.0.0.1:port` — `context.host` for it. */
  readonly host: string;
  readonly received: Received[];
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage & { body: string }, res: ServerResponse, self: TestServer) => void;

/** A server on 127.0.0.1, port 0; answers 200 `ok` unless `handler` says otherwise. */
export async function startServer(handler?: Handler): Promise<TestServer> {
  const received: Received[] = [];
  let self: TestServer | undefined;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (handler !== undefined) handler(Object.assign(req, { body }), res, self as TestServer);
      else res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  self = {
    origin: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return self;
}
