/**
 * @module test/scope
 * Authority only narrows: a hop can never hold a scope its delegator was not delegated —
 * whether the chain comes from plain objects, a token or is assembled by hand — and the
 * effective (intersected) scope reaches policies as `context.chain.scopes`.
 */
import { Authorizer } from '@mandate/core';
import { describe, expect, it } from 'vitest';
import {
  type AgentHop,
  authorizeChain,
  buildChain,
  ChainError,
  chainContext,
  checkChain,
  checkScopes,
  effectiveScope,
} from '../src/index.js';
import { SCHEMA, session } from './fixtures.js';

const hop = (id: string, scope?: string[]): AgentHop => ({
  id,
  scope,
  spiffeId: undefined,
  attested: true,
  owner: undefined,
  groups: [],
  issuer: undefined,
});
const root = { id: 'alice', groups: [], attrs: {} };

function chainError(f: () => unknown): ChainError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ChainError);
    return e as ChainError;
  }
  throw new Error('expected a ChainError');
}

describe('delegated scope', () => {
  it('narrows along the chain; the effective scope is the intersection', () => {
    const c = buildChain({
      root: { id: 'alice' },
      hops: [
        { id: 'planner', scope: ['files:read', 'files:write', 'secrets:use'] },
        { id: 'coder' }, // states nothing: neither widens nor narrows
        { id: 'runner', scope: ['files:read', 'files:read'] },
      ],
    });
    expect(c.actor.scope).toEqual(['files:read']);
    expect(effectiveScope(c)).toEqual(['files:read']);
    expect(chainContext(c).scopes).toEqual(['files:read']);
  });

  it('refuses a hop that holds a scope its delegator did not have', () => {
    const e = chainError(() =>
      buildChain({
        root: { id: 'alice' },
        hops: [
          { id: 'planner', scope: ['files:read'] },
          { id: 'runner', scope: ['files:read', 'secrets:use'] },
        ],
      }),
    );
    expect(e).toMatchObject({ kind: 'scope', path: 'hops[1].scope' });
    expect(e.message).toBe(
      'at `hops[1].scope`: agent `runner` holds scope `secrets:use` that its delegator `planner` was not delegated (authority only narrows)',
    );
  });

  it('remembers the narrowest delegation past hops that state none', () => {
    const e = chainError(() => checkScopes([hop('a', ['x']), hop('b'), hop('c', ['x', 'y'])]));
    expect(e.message).toContain('agent `c` holds scope `y` that its delegator `a`');
    // an empty delegation leaves nothing to hand on
    expect(chainError(() => checkScopes([hop('a', []), hop('b', ['x'])])).kind).toBe('scope');
    expect(effectiveScope({ hops: [hop('a', []), hop('b', [])] })).toEqual([]);
  });

  it('holds for every pair of scopes drawn from a small universe (exhaustive)', () => {
    const universe = ['a', 'b', 'c'];
    const subsets = Array.from({ length: 1 << universe.length }, (_, m) => universe.filter((_, i) => m & (1 << i)));
    for (const first of subsets)
      for (const second of subsets) {
        const widens = second.some((s) => !first.includes(s));
        const build = () => checkChain(root, [hop('p', first), hop('q', second)]);
        if (widens) expect(() => build()).toThrow(ChainError);
        else expect(effectiveScope(build())).toEqual([...second].sort());
      }
  });

  it('is absent from context.chain when no hop states a scope', () => {
    expect(effectiveScope(buildChain({ root: { id: 'alice' }, hops: [{ id: 'a' }] }))).toBeUndefined();
    expect(chainContext(buildChain({ root: { id: 'alice' }, hops: [{ id: 'a' }] }))).not.toHaveProperty('scopes');
  });

  it('is re-checked by authorizeChain for hand-built chains, and reaches policies', () => {
    const authz = new Authorizer({
      schema: SCHEMA,
      idAnnotation: true,
      policies: `@id("read-with-scope")
        permit (principal, action == Mandate::Action::"file.read", resource)
        when { context.chain has scopes && context.chain.scopes.contains("files:read") };`,
      entities: [{ uid: { type: 'Mandate::File', id: 'f' }, attrs: { path: '/f' }, parents: [] }],
    });
    const request = {
      action: 'file.read',
      resource: { type: 'Mandate::File', id: 'f' },
      context: { session: session() },
    };
    const widened = { root, hops: [hop('a', ['x']), hop('b', ['x', 'files:read'])], actor: hop('b'), depth: 2 };
    const d = authorizeChain(authz, widened, request);
    expect(d).toMatchObject({ decision: 'deny', hops: [], failure: { kind: 'chain' } });
    expect(d.message).toContain('holds scope `files:read`');
    const ok = checkChain(root, [hop('a', ['files:read', 'x']), hop('b', ['files:read'])]);
    expect(authorizeChain(authz, ok, request).decision).toBe('allow');
    const narrowed = checkChain(root, [hop('a', ['files:read', 'x']), hop('b', ['x'])]);
    expect(authorizeChain(authz, narrowed, request).decision).toBe('deny');
  });
});
