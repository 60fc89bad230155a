/**
 * @module test/chain
 * Delegation chains from plain objects: validated shape, depth limit, no repeated agent, and
 * their Cedar form (entities and `context.chain`).
 */
import { describe, expect, it } from 'vitest';
import {
  buildChain,
  ChainError,
  chainContext,
  chainEntities,
  chainPrincipals,
  checkChain,
  DEFAULT_MAX_CHAIN_DEPTH,
  isSpiffeId,
} from '../src/index.js';

function chainError(f: () => unknown): ChainError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ChainError);
    return e as ChainError;
  }
  throw new Error('expected a ChainError');
}

const hops = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `agent-${i}` }));

describe('buildChain', () => {
  it('builds root → hops → actor with depth and defaults', () => {
    const c = buildChain({
      root: { id: 'alice', groups: ['staff'] },
      hops: [
        { id: 'planner', scope: ['files:read'] },
        { id: 'spiffe://corp.example/agents/coder', attested: true },
      ],
    });
    expect(c.root).toEqual({ id: 'alice', groups: ['staff'], attrs: {} });
    expect(c.depth).toBe(2);
    expect(c.actor.id).toBe('spiffe://corp.example/agents/coder');
    expect(c.actor.spiffeId).toBe('spiffe://corp.example/agents/coder');
    expect(c.actor.attested).toBe(true);
    expect(c.hops[0]).toMatchObject({ id: 'planner', scope: ['files:read'], attested: false, spiffeId: undefined });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('says where the input is wrong', () => {
    expect(chainError(() => buildChain({ root: { id: 'alice' }, hops: [{ id: 'a' }, { id: '' }] }))).toMatchObject({
      kind: 'invalid',
      path: 'hops[1].id',
    });
    expect(chainError(() => buildChain({ root: { id: 'alice' }, hops: [] })).kind).toBe('invalid');
    expect(chainError(() => buildChain({ root: { id: 'alice', admin: true }, hops: hops(1) })).path).toBe('root');
    expect(
      chainError(() => buildChain({ root: { id: 'alice' }, hops: [{ id: 'a', spiffeId: 'https://x' }] })).message,
    ).toMatch(/hops\[0\]\.spiffeId.*SPIFFE/);
    expect(chainError(() => buildChain(null)).kind).toBe('invalid');
  });

  it('refuses chains deeper than the limit', () => {
    expect(buildChain({ root: { id: 'alice' }, hops: hops(DEFAULT_MAX_CHAIN_DEPTH) }).depth).toBe(
      DEFAULT_MAX_CHAIN_DEPTH,
    );
    const e = chainError(() => buildChain({ root: { id: 'alice' }, hops: hops(DEFAULT_MAX_CHAIN_DEPTH + 1) }));
    expect(e.kind).toBe('depth');
    expect(e.message).toContain(`more than the limit of ${DEFAULT_MAX_CHAIN_DEPTH}`);
    expect(chainError(() => buildChain({ root: { id: 'alice' }, hops: hops(3) }, { maxDepth: 2 })).kind).toBe('depth');
    // the limit is checked before the hops are, so a huge chain is cheap to refuse
    expect(chainError(() => buildChain({ root: { id: 'a' }, hops: new Array(1_000_000).fill(0) })).kind).toBe('depth');
  });

  it('refuses a repeated agent (a delegation loop)', () => {
    const e = chainError(() => buildChain({ root: { id: 'alice' }, hops: [{ id: 'a' }, { id: 'b' }, { id: 'a' }] }));
    expect(e).toMatchObject({ kind: 'cycle', path: 'hops[2].id' });
    expect(e.message).toContain('`a` appears twice (hops 0 and 2)');
  });

  it('keeps ids such as __proto__ as data', () => {
    const c = buildChain({ root: { id: '__proto__' }, hops: [{ id: 'constructor' }, { id: 'toString' }] });
    expect(c.hops.map((h) => h.id)).toEqual(['constructor', 'toString']);
  });
});

describe('checkChain', () => {
  it('holds hand-built chains to the same rules', () => {
    const root = { id: 'alice', groups: [], attrs: {} };
    const hop = (id: string) => ({
      id,
      scope: undefined,
      spiffeId: undefined,
      attested: false,
      owner: undefined,
      groups: [],
      issuer: undefined,
    });
    expect(chainError(() => checkChain(root, [])).kind).toBe('invalid');
    expect(chainError(() => checkChain(root, [hop('x'), hop('x')])).kind).toBe('cycle');
    expect(checkChain(root, [hop('x'), hop('y')]).actor.id).toBe('y');
  });
});

describe('SPIFFE IDs', () => {
  it.each([
    ['spiffe://corp.example/agents/coder', true],
    ['spiffe://corp.example', true], // a trust domain's own ID: valid, but not a workload's
    ['spiffe://Corp.example/a', false],
    ['spiffe://corp.example/a/../b', false],
    ['spiffe://corp.example/a/', false],
    ['https://corp.example/a', false],
  ])('%s → %s', (s, ok) => expect(isSpiffeId(s)).toBe(ok));
});

describe('Cedar mapping', () => {
  const c = buildChain({
    root: { id: 'alice', groups: ['staff'], attrs: { email: 'alice@example.com' } },
    hops: [{ id: 'planner', owner: 'ops', groups: ['trusted-agents'] }, { id: 'spiffe://corp.example/coder' }],
  });

  it('lists the principals in delegation order', () => {
    expect(chainPrincipals(c)).toEqual([
      { type: 'Mandate::User', id: 'alice' },
      { type: 'Mandate::Agent', id: 'planner' },
      { type: 'Mandate::Agent', id: 'spiffe://corp.example/coder' },
    ]);
    expect(chainPrincipals(c, { namespace: '' })[0]).toEqual({ type: 'User', id: 'alice' });
  });

  it('makes entities for the user and every agent', () => {
    expect(chainEntities(c)).toEqual([
      {
        uid: { type: 'Mandate::User', id: 'alice' },
        attrs: { email: 'alice@example.com' },
        parents: [{ type: 'Mandate::Group', id: 'staff' }],
      },
      {
        uid: { type: 'Mandate::Agent', id: 'planner' },
        attrs: { owner: { __entity: { type: 'Mandate::User', id: 'ops' } }, attested: false },
        parents: [{ type: 'Mandate::Group', id: 'trusted-agents' }],
      },
      {
        uid: { type: 'Mandate::Agent', id: 'spiffe://corp.example/coder' },
        attrs: {
          owner: { __entity: { type: 'Mandate::User', id: 'alice' } },
          attested: false,
          spiffeId: 'spiffe://corp.example/coder',
        },
        parents: [],
      },
    ]);
  });

  it('makes context.chain', () => {
    expect(chainContext(c)).toEqual({
      root: { __entity: { type: 'Mandate::User', id: 'alice' } },
      actor: { __entity: { type: 'Mandate::Agent', id: 'spiffe://corp.example/coder' } },
      depth: 2,
      agents: [
        { __entity: { type: 'Mandate::Agent', id: 'planner' } },
        { __entity: { type: 'Mandate::Agent', id: 'spiffe://corp.example/coder' } },
      ],
    });
  });
});
