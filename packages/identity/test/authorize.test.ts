/**
 * @module test/authorize
 * Chain authorization end to end: signed tokens → verified chains → every principal decided
 * with the core Authorizer over the Mandate schema. Authority only narrows: a broad sub-agent
 * is denied where its user is (no confused deputy), and refused chains are never allowed.
 */
import { Authorizer } from '@mandate/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type AgentHop,
  authorizeChain,
  buildChain,
  type ChainDecision,
  type DelegationChain,
  verifyDelegationToken,
} from '../src/index.js';
import { AUDIENCE, ISSUER, type Keys, makeKeys, mint, readPolicyFile, SCHEMA, session } from './fixtures.js';

const POLICIES = `${readPolicyFile('examples/chain.cedar')}
${readPolicyFile('examples/session.cedar')}

@id("users-write-own-files")
permit (principal is Mandate::User, action == Mandate::Action::"file.write", resource is Mandate::File)
when { resource has owner && resource.owner == principal };

@id("agents-write-root-files")
permit (principal is Mandate::Agent, action == Mandate::Action::"file.write", resource is Mandate::File)
when { resource has owner && resource.owner == context.chain.root };

// The runner's own grant is broad: on its own it may read any file.
@id("runner-reads-anything")
permit (principal == Mandate::Agent::"runner", action == Mandate::Action::"file.read", resource);
`;

const file = (id: string, owner: string) => ({
  uid: { type: 'Mandate::File', id },
  attrs: { path: `/home/${owner}/${id}`, owner: { __entity: { type: 'Mandate::User', id: owner } } },
  parents: [],
});

const authz = new Authorizer({
  policies: POLICIES,
  schema: SCHEMA,
  idAnnotation: true,
  entities: [
    file('alice-notes', 'alice'),
    file('bob-payroll', 'bob'),
    // The registry knows `runner`: attested, owned by alice. What a chain says of it is ignored.
    {
      uid: { type: 'Mandate::Agent', id: 'runner' },
      attrs: { owner: { __entity: { type: 'Mandate::User', id: 'alice' } }, attested: true },
      parents: [],
    },
  ],
});

const request = (action: string, resource: string) => ({
  action,
  resource: { type: 'Mandate::File', id: resource },
  context: { session: session() },
});

let keys: Keys;
beforeAll(async () => {
  keys = await makeKeys();
});

async function fromToken(token: string | Promise<string>): Promise<DelegationChain> {
  return (await verifyDelegationToken(await token, { key: keys.jwks, issuer: ISSUER, audience: AUDIENCE })).chain;
}

/** What an agent framework does: verify, then decide; a refused token is a deny. */
async function decide(token: Promise<string>, action: string, resource: string): Promise<ChainDecision | Error> {
  try {
    return authorizeChain(authz, await fromToken(token), request(action, resource));
  } catch (e) {
    return e as Error;
  }
}

describe('authorizeChain', () => {
  it('allows a valid 3-hop chain when every principal is allowed', async () => {
    const chain = await fromToken(mint(keys)); // alice → planner → coder → runner
    const d = authorizeChain(authz, chain, request('file.read', 'alice-notes'));
    expect(d.decision).toBe('allow');
    expect(d.deniedBy).toBeUndefined();
    expect(d.hops.map((h) => [h.index, h.role, h.principal.id, h.decision.decision])).toEqual([
      [0, 'root', 'alice', 'allow'],
      [1, 'agent', 'planner', 'allow'],
      [2, 'agent', 'coder', 'allow'],
      [3, 'actor', 'runner', 'allow'],
    ]);
    expect(d.hops[0]?.decision.reasons).toEqual(['user-reads-own-files']);
    expect(d.hops[3]?.decision.reasons).toContain('agent-reads-root-files');
    expect(d.message).toBe('allowed for all 4 principals of the chain');
  });

  it('denies a broad sub-agent where its user is denied (confused deputy)', async () => {
    const chain = await fromToken(mint(keys));
    const d = authorizeChain(authz, chain, request('file.read', 'bob-payroll'));
    // on its own the runner may read bob's payroll…
    expect(d.hops[3]?.decision.decision).toBe('allow');
    expect(d.hops[3]?.decision.reasons).toEqual(['runner-reads-anything']);
    // …but alice may not, so neither may anything acting for her
    expect(d.decision).toBe('deny');
    expect(d.deniedBy?.index).toBe(0);
    expect(d.deniedBy?.principal).toEqual({ type: 'Mandate::User', id: 'alice' });
    expect(d.message).toBe('denied at hop 0 (root `Mandate::User::"alice"`): no policy permits it');
  });

  it('names the hop and the policy that forbade', () => {
    // coder claims to be attested; the registry does not know it, so that is taken as given —
    // but planner is not attested, and unattested agents never write.
    const chain = buildChain({
      root: { id: 'alice' },
      hops: [{ id: 'planner' }, { id: 'coder', attested: true }, { id: 'runner' }],
    });
    const d = authorizeChain(authz, chain, request('file.write', 'alice-notes'));
    expect(d.decision).toBe('deny');
    expect(d.deniedBy?.index).toBe(1);
    expect(d.message).toBe(
      'denied at hop 1 (agent `Mandate::Agent::"planner"`): forbidden by `unattested-agents-cannot-write`',
    );
    // runner is attested in the registry even though the chain says nothing of it
    expect(d.hops[3]?.decision.decision).toBe('allow');
  });

  it('lets the registry win over what a chain says of an agent', () => {
    const chain = buildChain({ root: { id: 'alice' }, hops: [{ id: 'runner', attested: false }] });
    expect(authorizeChain(authz, chain, request('file.write', 'alice-notes')).decision).toBe('allow');
  });

  it('uses the chain context: too deep for the policy is denied at every hop', () => {
    const chain = buildChain({
      root: { id: 'alice' },
      hops: ['a', 'b', 'c', 'd', 'runner'].map((id) => ({ id })),
    });
    const d = authorizeChain(authz, chain, request('file.read', 'alice-notes'));
    expect(d.decision).toBe('deny');
    expect(d.hops.every((h) => h.decision.reasons.includes('chain-depth-limit'))).toBe(true);
  });

  it('never allows refused tokens', async () => {
    const past = Math.floor(Date.now() / 1000) - 60;
    const bad: Array<[string, Promise<string>]> = [
      ['expired', mint(keys, { exp: past })],
      ['wrong audience', mint(keys, { aud: 'https://other.example' })],
      ['wrong issuer', mint(keys, { iss: 'https://evil.example' })],
      ['cyclic', mint(keys, { agents: ['planner', 'runner', 'planner'] })],
      ['too deep', mint(keys, { agents: Array.from({ length: 20 }, (_, i) => `a${i}`) })],
      ['forged', makeKeys().then((k) => mint(k))],
    ];
    for (const [what, token] of bad) {
      const d = await decide(token, 'file.read', 'alice-notes');
      expect(d, what).toBeInstanceOf(Error);
    }
  });

  it('refuses hand-built chains that break the rules, without throwing', () => {
    const hop = (id: string): AgentHop => ({
      id,
      scope: undefined,
      spiffeId: undefined,
      attested: true,
      owner: undefined,
      groups: [],
      issuer: undefined,
    });
    const root = { id: 'alice', groups: [], attrs: {} };
    const cyclic = { root, hops: [hop('runner'), hop('runner')], actor: hop('runner'), depth: 2 };
    const d = authorizeChain(authz, cyclic, request('file.read', 'alice-notes'));
    expect(d).toMatchObject({ decision: 'deny', hops: [], failure: { kind: 'chain' } });
    expect(d.message).toContain('appears twice');
    const deep = { root, hops: [hop('a'), hop('b'), hop('runner')], actor: hop('runner'), depth: 3 };
    expect(authorizeChain(authz, deep, request('file.read', 'alice-notes'), { maxDepth: 2 }).failure?.kind).toBe(
      'chain',
    );
  });

  it('refuses a caller-supplied context.chain (it comes from the chain only)', () => {
    const chain = buildChain({ root: { id: 'alice' }, hops: [{ id: 'runner' }] });
    const d = authorizeChain(authz, chain, {
      action: 'file.read',
      resource: { type: 'Mandate::File', id: 'bob-payroll' },
      context: { session: session(), chain: {} },
    });
    expect(d).toMatchObject({ decision: 'deny', failure: { kind: 'request' } });
  });

  it('denies, with the failure, a request that does not fit the schema', () => {
    const chain = buildChain({ root: { id: 'alice' }, hops: [{ id: 'runner' }] });
    const d = authorizeChain(authz, chain, {
      action: 'file.read',
      resource: { type: 'Mandate::File', id: 'alice-notes' },
      context: {}, // no session
    });
    expect(d.decision).toBe('deny');
    expect(d.deniedBy?.index).toBe(0);
    expect(d.message).toMatch(/^denied at hop 0 .*the request failed/);
  });
});
