/**
 * @module test/fixtures
 * Shared test material: the Mandate schema, the test policies, a tool registry, keys
 * generated per run, signers for intents and approvals, a settable clock and a guard
 * factory.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Authorizer } from '@mandate/core';
import { buildChain, type DelegationChain } from '@mandate/identity';
import { type CryptoKey, createLocalJWKSet, exportJWK, generateKeyPair } from 'jose';
import {
  type CallBinding,
  type IntentInput,
  issueApproval,
  SessionGuard,
  type SessionGuardOptions,
  signIntent,
  type ToolSpec,
} from '../src/index.js';

const root = join(import.meta.dirname, '..', '..', '..');
export const SCHEMA = readFileSync(join(root, 'policies', 'schema', 'mandate.cedarschema'), 'utf8');
export const POLICIES = readFileSync(join(import.meta.dirname, 'fixtures', 'policies.cedar'), 'utf8');

export const WALLET = 'https://wallet.example.com';
export const APPROVER = 'https://approvals.example.com';
export const AUDIENCE = 'https://mandate.example.com';

export const TOOLS: Record<string, ToolSpec> = {
  read_file: { readsPrivate: true },
  read_secret: { readsPrivate: true, labels: ['secret'] },
  read_inbox: { ingestsUntrusted: true },
  fetch: { ingestsUntrusted: true, egress: true, groups: ['web'] },
  send_email: { egress: true },
  pay: { egress: true, transaction: true, groups: ['payments'] },
  delete_file: {},
  summarize: { outputLabels: (out) => (String(out).includes('BEGIN PRIVATE KEY') ? ['secret'] : []) },
};

export interface Keys {
  readonly privateKey: CryptoKey;
  readonly jwks: ReturnType<typeof createLocalJWKSet>;
  readonly kid: string;
}

export async function makeKeys(kid: string): Promise<Keys> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  return { privateKey, jwks: createLocalJWKSet({ keys: [jwk] }), kid };
}

/** Whole seconds: JWT times are in seconds, and the guard's clock must agree with them. */
export const T0 = new Date(Math.floor(Date.now() / 1000) * 1000);
export const at = (ms: number) => new Date(T0.getTime() + ms);
export const MINUTE = 60_000;

/** A clock the test moves. */
export function clock(start = T0) {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    advance: (ms: number) => {
      t += ms;
    },
    set: (d: Date) => {
      t = d.getTime();
    },
  };
}

export function intentToken(keys: Keys, over: Partial<IntentInput> = {}): Promise<string> {
  return signIntent(
    {
      subject: 'alice',
      purpose: 'tidy the project and pay the invoice',
      actions: ['tool.call'],
      hosts: ['api.example.com', '*.docs.example.com'],
      paths: ['/work/app/**'],
      budget: { amount: 10_000n, currency: 'EUR' },
      expires: at(60 * MINUTE),
      ...over,
    },
    { key: keys.privateKey, alg: 'ES256', issuer: WALLET, audience: AUDIENCE, kid: keys.kid, issuedAt: T0 },
  );
}

export function approvalToken(
  keys: Keys,
  binding: CallBinding,
  over: { ttl?: number; issuedAt?: Date; id?: string } = {},
): Promise<string> {
  return issueApproval(binding, {
    key: keys.privateKey,
    alg: 'ES256',
    issuer: APPROVER,
    audience: AUDIENCE,
    approver: 'bob@example.com',
    kid: keys.kid,
    issuedAt: T0,
    ...over,
  });
}

export const chain: DelegationChain = buildChain({
  root: { id: 'alice' },
  hops: [{ id: 'planner' }, { id: 'runner' }],
});

let authorizer: Authorizer | undefined;
export function testAuthorizer(): Authorizer {
  authorizer ??= new Authorizer({ policies: POLICIES, schema: SCHEMA, idAnnotation: true });
  return authorizer;
}

export interface TestKeys {
  readonly wallet: Keys;
  readonly approver: Keys;
}

let keys: Promise<TestKeys> | undefined;
export function testKeys(): Promise<TestKeys> {
  keys ??= (async () => ({ wallet: await makeKeys('wallet-1'), approver: await makeKeys('approver-1') }))();
  return keys;
}

export async function makeGuard(over: Partial<SessionGuardOptions> = {}) {
  const k = await testKeys();
  const c = clock();
  const guard = new SessionGuard({
    authorizer: testAuthorizer(),
    tools: TOOLS,
    intents: { key: k.wallet.jwks, issuer: WALLET, audience: AUDIENCE },
    approvals: { key: k.approver.jwks, issuer: APPROVER, audience: AUDIENCE },
    now: c.now,
    ...over,
  });
  return { guard, clock: c, keys: k };
}
