/**
 * @module test/examples
 * The example policies of `policies/examples/` (all of them together, over the Mandate
 * schema, with the core Authorizer), fed the way an agent framework feeds them: signed tokens
 * verified, turned into a chain, entities and context, and decided with `authorizeChain`.
 * Each policy is shown denying what its comment says, and the same request allowed once the
 * fact it checks is there.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Authorizer } from '@mandate/core';
import { createLocalJWKSet } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  authorizeChain,
  buildChain,
  type ChainInput,
  type DelegationChain,
  type SessionInput,
  sessionContext,
  transactionChain,
  transactionContext,
  type VerifiedAttestation,
  type VerifiedTransaction,
  verifyAttestation,
  verifyDelegationToken,
  verifyTransactionToken,
} from '../src/index.js';
import {
  ATTESTATION_AUDIENCE,
  ATTESTER,
  AUDIENCE,
  attestationClaims,
  ISSUER,
  type Keys,
  makeKeys,
  makeSigningKey,
  mint,
  readPolicyFile,
  SCHEMA,
  type SigningKey,
  sign,
  TXN_AUDIENCE,
  TXN_HEADER,
  txnClaims,
} from './fixtures.js';

const examples = readdirSync(join(import.meta.dirname, '..', '..', '..', 'policies', 'examples'))
  .filter((f) => f.endsWith('.cedar'))
  .sort()
  .map((f) => readPolicyFile(`examples/${f}`))
  .join('\n');

// The grants: the example policies are mostly guards (forbid); these say what is allowed at all.
const GRANTS = `
@id("users-write-own-files")
permit (principal is Mandate::User, action == Mandate::Action::"file.write", resource is Mandate::File)
when { resource has owner && resource.owner == principal };

@id("agents-write-root-files")
permit (principal is Mandate::Agent, action == Mandate::Action::"file.write", resource is Mandate::File)
when { resource has owner && resource.owner == context.chain.root };

@id("secrets-to-their-hosts")
permit (principal, action == Mandate::Action::"secret.use", resource is Mandate::Secret)
when { resource.hosts.contains(context.host) };

@id("egress-allowed")
permit (principal, action == Mandate::Action::"http.request", resource);

@id("shell-allowed")
permit (principal, action == Mandate::Action::"shell.exec", resource);
`;

const CORP_CODER = 'spiffe://corp.example/agents/coder';
const agent = (id: string, spiffeId?: string) => ({
  uid: { type: 'Mandate::Agent', id },
  attrs: {
    owner: { __entity: { type: 'Mandate::User', id: 'alice' } },
    attested: true,
    ...(spiffeId === undefined ? {} : { spiffeId }),
  },
  parents: [],
});

const authz = new Authorizer({
  policies: examples + GRANTS,
  schema: SCHEMA,
  idAnnotation: true,
  entities: [
    agent('planner'),
    agent('coder'),
    agent('runner'),
    agent(CORP_CODER, CORP_CODER),
    agent('spiffe://corp.example/agents/gateway', 'spiffe://corp.example/agents/gateway'),
    agent('spiffe://partner.example/agents/helper', 'spiffe://partner.example/agents/helper'),
    {
      uid: { type: 'Mandate::File', id: 'alice-notes' },
      attrs: { path: '/home/alice/notes', owner: { __entity: { type: 'Mandate::User', id: 'alice' } } },
      parents: [],
    },
    { uid: { type: 'Mandate::Secret', id: 'gh' }, attrs: { hosts: ['api.github.com'] }, parents: [] },
    { uid: { type: 'Mandate::Host', id: 'api.github.com' }, attrs: { name: 'api.github.com' }, parents: [] },
    {
      uid: { type: 'Mandate::Tool', id: 'bash' },
      attrs: { server: 'builtin', readOnly: false, egress: false, sensitivity: 2 },
      parents: [],
    },
  ],
});

let keys: Keys;
let attester: SigningKey;
let tts: SigningKey;
beforeAll(async () => {
  keys = await makeKeys();
  attester = await makeSigningKey('att-1');
  tts = await makeSigningKey('tts-1');
});

const fromToken = async (scope?: string): Promise<DelegationChain> =>
  (
    await verifyDelegationToken(await mint(keys, { claims: scope === undefined ? {} : { scope } }), {
      key: keys.jwks,
      issuer: ISSUER,
      audience: AUDIENCE,
    })
  ).chain;

const attest = async (over: Record<string, unknown> = {}): Promise<VerifiedAttestation> =>
  verifyAttestation(await sign(attester, attestationClaims(over)), {
    key: createLocalJWKSet({ keys: [attester.jwk] }),
    issuer: ATTESTER,
    audience: ATTESTATION_AUDIENCE,
    nonce: 'n-0001',
  });

const txn = async (over: Record<string, unknown> = {}): Promise<VerifiedTransaction> =>
  verifyTransactionToken(await sign(tts, txnClaims(over), { header: TXN_HEADER }), {
    key: createLocalJWKSet({ keys: [tts.jwk] }),
    audience: TXN_AUDIENCE,
  });

/** A session that passes every runtime guard, so each test breaks exactly one thing. */
const goodSession = async (over: Partial<SessionInput> = {}) =>
  sessionContext({
    id: 's1',
    ip: '10.1.2.3',
    risk: 0,
    attestation: await attest(),
    device: { compliant: true, managed: true },
    ...over,
  });

const useSecret = (chain: DelegationChain, session: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  authorizeChain(authz, chain, {
    action: 'secret.use',
    resource: { type: 'Mandate::Secret', id: 'gh' },
    context: { session, host: 'api.github.com', ...extra },
  });

const write = (chain: DelegationChain, session: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  authorizeChain(authz, chain, {
    action: 'file.write',
    resource: { type: 'Mandate::File', id: 'alice-notes' },
    context: { session, ...extra },
  });

const chainOf = (input: ChainInput) => buildChain(input);

describe('scopes.cedar: the delegated scope reaches policies', () => {
  it('allows what the delegation covers and denies what it does not', async () => {
    const session = await goodSession();
    const readOnly = await fromToken('files:read');
    const read = authorizeChain(authz, readOnly, {
      action: 'file.read',
      resource: { type: 'Mandate::File', id: 'alice-notes' },
      context: { session },
    });
    expect(read.decision).toBe('allow');
    const w = write(readOnly, session);
    expect(w.decision).toBe('deny');
    expect(w.deniedBy?.decision.reasons).toEqual(['scope-files-write']);

    const readWrite = await fromToken('files:read files:write');
    expect(write(readWrite, session).decision).toBe('allow');
  });

  it('narrows along the chain: the intersection is what counts', async () => {
    const session = await goodSession();
    const chain = chainOf({
      root: { id: 'alice' },
      hops: [
        { id: 'planner', scope: ['files:read', 'files:write', 'secrets:use'] },
        { id: 'coder', scope: ['files:read', 'secrets:use'] },
        { id: 'runner', scope: ['secrets:use'] },
      ],
    });
    expect(useSecret(chain, session).decision).toBe('allow');
    expect(write(chain, session).deniedBy?.decision.reasons).toContain('scope-files-write');
  });

  it('leaves unscoped chains to the other policies, except for secrets', async () => {
    const session = await goodSession();
    const unscoped = await fromToken();
    expect(write(unscoped, session).decision).toBe('allow');
    expect(useSecret(unscoped, session).deniedBy?.decision.reasons).toEqual(['scope-secrets-use']);
  });
});

describe('runtime.cedar: attestation, device posture, risk, workload identity', () => {
  const scoped = () => chainOf({ root: { id: 'alice' }, hops: [{ id: 'coder', scope: ['secrets:use'] }] });

  it('releases a secret to an attested, compliant runtime on a managed device', async () => {
    const d = useSecret(scoped(), await goodSession());
    expect(d.message).toBe('allowed for all 2 principals of the chain');
  });

  it('denies secrets without a verified attestation, or with a non-compliant one', async () => {
    const none = useSecret(scoped(), await goodSession({ attestation: undefined }));
    expect(none.deniedBy?.decision.reasons).toEqual(['secrets-need-attested-runtime']);
    const notAttested = useSecret(scoped(), await goodSession({ attestation: await attest({ attested: false }) }));
    expect(notAttested.deniedBy?.decision.reasons).toEqual(['secrets-need-attested-runtime']);
    const nonCompliant = useSecret(scoped(), await goodSession({ attestation: await attest({ compliant: false }) }));
    expect(nonCompliant.deniedBy?.decision.reasons).toEqual(['secrets-need-attested-runtime']);
  });

  it('denies secrets from an unmanaged or non-compliant device', async () => {
    for (const device of [undefined, { compliant: true, managed: false }, { compliant: false, managed: true }]) {
      const d = useSecret(scoped(), await goodSession({ device }));
      expect(d.deniedBy?.decision.reasons).toEqual(['secrets-need-compliant-device']);
    }
  });

  it('tolerates raised risk for egress only from an attested runtime', async () => {
    const egress = async (over: Partial<SessionInput>) =>
      authorizeChain(authz, scoped(), {
        action: 'http.request',
        resource: { type: 'Mandate::Host', id: 'api.github.com' },
        context: { session: await goodSession(over), method: 'GET', url: 'https://api.github.com/' },
      });
    expect((await egress({ risk: 50 })).decision).toBe('allow');
    expect((await egress({ risk: 50, attestation: undefined })).deniedBy?.decision.reasons).toEqual([
      'risky-egress-needs-attestation',
    ]);
    expect((await egress({ risk: 39, attestation: undefined })).decision).toBe('allow');
    expect((await egress({ risk: 70 })).deniedBy?.decision.reasons).toEqual(['high-risk-session']);
  });

  it('runs shell commands only in corp workloads', async () => {
    const shell = async (agentId: string) =>
      authorizeChain(authz, chainOf({ root: { id: 'alice' }, hops: [{ id: agentId }] }), {
        action: 'shell.exec',
        resource: { type: 'Mandate::Tool', id: 'bash' },
        context: { session: await goodSession(), command: 'ls' },
      });
    expect((await shell(CORP_CODER)).decision).toBe('allow');
    expect((await shell('spiffe://partner.example/agents/helper')).deniedBy?.decision.reasons).toEqual([
      'shell-only-corp-workloads',
    ]);
    expect((await shell('coder')).deniedBy?.decision.reasons).toEqual(['shell-only-corp-workloads']);
  });
});

describe('transaction.cedar: transaction-token context', () => {
  /** What a workload does with an incoming Txn-Token: chain, session and context from it. */
  const withTxn = async (v: VerifiedTransaction, over: Partial<SessionInput> = {}) => ({
    chain: transactionChain(v, { trustDomains: ['corp.example'] }),
    session: await goodSession({ ip: undefined, transaction: v, ...over }),
    transaction: transactionContext(v, { details: ['purpose', 'action'] }),
  });

  it('allows a secret within a strongly authenticated corporate transaction', async () => {
    const { chain, session, transaction } = await withTxn(await txn());
    expect(chain.root.id).toBe('alice');
    expect(session.ip).toEqual({ __extn: { fn: 'ip', arg: '10.1.2.3' } });
    expect(useSecret(chain, session, { transaction }).decision).toBe('allow');
  });

  it('denies secrets to weakly authenticated transactions or from outside the network', async () => {
    const weak = await withTxn(await txn({ rctx: { req_ip: '10.1.2.3', authn: 'pwd' } }));
    expect(useSecret(weak.chain, weak.session, { transaction: weak.transaction }).deniedBy?.decision.reasons).toEqual([
      'txn-secrets-need-strong-authn',
    ]);
    const outside = await withTxn(await txn({ rctx: { req_ip: '203.0.113.9', authn: 'mfa' } }));
    const d = useSecret(outside.chain, outside.session, { transaction: outside.transaction });
    expect(d.deniedBy?.decision.reasons).toEqual(
      expect.arrayContaining(['txn-secrets-from-corp-network', 'secrets-from-corp-network']),
    );
  });

  it('bounds writes by the transaction scope and its purpose', async () => {
    const review = await withTxn(await txn({ scope: 'files:read files:write' }));
    expect(write(review.chain, review.session, { transaction: review.transaction }).deniedBy?.decision.reasons).toEqual(
      ['txn-code-review-is-read-only'],
    );
    const fix = await withTxn(await txn({ scope: 'files:read files:write', tctx: { purpose: 'bug-fix' } }));
    expect(write(fix.chain, fix.session, { transaction: fix.transaction }).decision).toBe('allow');
    const readOnly = await withTxn(await txn({ scope: 'files:read', tctx: { purpose: 'bug-fix' } }));
    expect(
      write(readOnly.chain, readOnly.session, { transaction: readOnly.transaction }).deniedBy?.decision.reasons,
    ).toEqual(expect.arrayContaining(['txn-scope-bounds-writes']));
  });
});
