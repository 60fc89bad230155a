/**
 * @module test/compile/scope-index
 * The index may only skip policies that can neither be satisfied nor error: for random policy
 * sets and requests, the candidates contain every policy that is satisfied or errors, once
 * each, in policy-set order — so a decision over the candidates equals the decision over every
 * policy. Conditions include the context constants the index anchors on (`context.a == lit`
 * as the leftmost conjunct of the first `when`), with contexts that have, lack, or mistype `a`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide } from '../../src/authorizer/decide.js';
import type { EvalEnv } from '../../src/compile/env.js';
import { PolicySet } from '../../src/compile/policy-set.js';
import { ScopeIndex } from '../../src/compile/scope-index.js';
import { EntityStore } from '../../src/entities/store.js';
import { CedarRecord, EntityUID } from '../../src/values/value.js';

const u = (type: string, id: string) => new EntityUID(type, id);

const store = EntityStore.from([
  { uid: u('User', 'alice'), attrs: new Map(), parents: [u('Group', 'eng')] },
  { uid: u('User', 'bob'), attrs: new Map(), parents: [u('Group', 'eng'), u('Group', 'ops')] },
  { uid: u('Group', 'eng'), attrs: new Map(), parents: [u('Group', 'all')] },
  { uid: u('Group', 'ops'), attrs: new Map(), parents: [u('Group', 'all')] },
  { uid: u('Action', 'read'), attrs: new Map(), parents: [u('Action', 'ro'), u('Action', 'any')] },
  { uid: u('Action', 'write'), attrs: new Map(), parents: [u('Action', 'any')] },
  { uid: u('File', 'a'), attrs: new Map(), parents: [u('Folder', 'd')] },
]);

const PRINCIPAL_SCOPES = [
  'principal',
  'principal == User::"alice"',
  'principal == User::"ghost"',
  'principal in Group::"eng"',
  'principal in Group::"all"',
  'principal in User::"bob"',
  'principal is User',
  'principal is Group',
  'principal is User in Group::"ops"',
];
const ACTION_SCOPES = [
  'action',
  'action == Action::"read"',
  'action in Action::"any"',
  'action in [Action::"ro", Action::"any"]',
  'action in [Action::"write", Action::"read", Action::"ro"]',
];
const RESOURCE_SCOPES = [
  'resource',
  'resource == File::"a"',
  'resource in Folder::"d"',
  'resource is File',
  'resource is Folder in Folder::"d"',
];
const CONDITIONS = [
  '',
  ' when { true }',
  ' when { false }',
  ' when { principal.nope }',
  ' unless { context.missing }',
  ' when { context.tool == "shell" }',
  ' when { "http" == context.tool && context.n > 1 }',
  ' when { context.tool == "shell" && principal.nope }',
  ' when { (context.n == 2 && true) && context.tool == "x" }',
  ' when { context.owner == User::"alice" }',
  ' when { context.flag == true } unless { context.tool == "shell" }',
  ' unless { context.tool == "shell" }',
  ' when { context.n < 2 }',
  ' when { 1 < context.n && principal.nope }',
  ' when { context.n >= 2 && context.tool == "x" }',
  ' when { context.n <= 0 } unless { context.flag }',
  ' when { -5 >= context.n }',
  ' when { context.n > -5 && context.n < 3 }',
];
const CONTEXTS = [
  CedarRecord.EMPTY,
  CedarRecord.fromEntries([['tool', 'shell']]),
  CedarRecord.fromEntries([
    ['tool', 'http'],
    ['n', 2n],
  ]),
  CedarRecord.fromEntries([
    ['tool', 'x'],
    ['n', 2n],
    ['flag', true],
    ['owner', new EntityUID('User', 'alice')],
  ]),
  CedarRecord.fromEntries([
    ['tool', 5n],
    ['n', 'two'],
    ['flag', 'yes'],
    ['owner', 'alice'],
  ]),
  CedarRecord.fromEntries([
    ['tool', CedarRecord.EMPTY],
    ['n', 1n],
    ['owner', new EntityUID('User', 'bob')],
  ]),
  CedarRecord.fromEntries([['n', 0n]]),
  CedarRecord.fromEntries([
    ['n', -5n],
    ['flag', false],
  ]),
  CedarRecord.fromEntries([['n', -9223372036854775808n]]),
  CedarRecord.fromEntries([['n', true]]),
];

const policyText = fc
  .tuple(
    fc.constantFrom('permit', 'forbid'),
    fc.constantFrom(...PRINCIPAL_SCOPES),
    fc.constantFrom(...ACTION_SCOPES),
    fc.constantFrom(...RESOURCE_SCOPES),
    fc.constantFrom(...CONDITIONS),
  )
  .map(([e, p, a, r, c]) => `${e}(${p}, ${a}, ${r})${c};`);

const request = fc.record({
  principal: fc.constantFrom(u('User', 'alice'), u('User', 'bob'), u('User', 'ghost'), u('Group', 'eng')),
  action: fc.constantFrom(u('Action', 'read'), u('Action', 'write'), u('Action', 'ro'), u('Action', 'other')),
  resource: fc.constantFrom(u('File', 'a'), u('File', 'b'), u('Folder', 'd')),
  context: fc.constantFrom(...CONTEXTS),
});

// Compiling through cedar-wasm is the slow part: compile each distinct policy text once.
const compiled = new Map<string, PolicySet>();
function compile(texts: readonly string[]): PolicySet {
  const text = texts.join('\n');
  let ps = compiled.get(text);
  if (ps === undefined) {
    ps = PolicySet.compile(text);
    compiled.set(text, ps);
  }
  return ps;
}

describe('ScopeIndex', () => {
  it.each([
    ['small sets', 1, 12, 400],
    ['large sets (buckets split by action)', 150, 220, 25],
  ])('returns every policy that is satisfied or errors, once, in order: %s', (_name, minLength, maxLength, numRuns) => {
    fc.assert(
      fc.property(
        fc.array(policyText, { minLength, maxLength }),
        fc.array(request, { minLength: 1, maxLength: 8 }),
        (texts, reqs) => {
          const ps = compile(texts);
          const index = new ScopeIndex(ps.policies);
          for (const r of reqs) {
            const env: EvalEnv = { ...r, entities: store };
            const candidates = index.candidates(env);
            const positions = candidates.map((p) => ps.policies.indexOf(p));
            expect(positions).toEqual([...new Set(positions)].sort((x, y) => x - y));
            for (const p of ps.policies) {
              let mustBeCandidate: boolean;
              try {
                mustBeCandidate = p.matchesScope(env) && p.satisfiesConditions(env);
              } catch {
                mustBeCandidate = true; // an erroring policy must be evaluated, to be reported
              }
              if (mustBeCandidate) expect(candidates).toContain(p);
            }
            expect(decide(candidates, env)).toEqual(decide(ps.policies, env));
            expect(ps.candidates(env)).toEqual(candidates);
          }
        },
      ),
      { numRuns },
    );
  });

  // A second version of the store where the hierarchy differs: the memo of scope-matched
  // policies is per store version, so answers must follow the store each request names.
  const store2 = store.with(
    [
      { uid: u('User', 'alice'), attrs: new Map(), parents: [u('Group', 'ops')] },
      { uid: u('File', 'a'), attrs: new Map(), parents: [] },
    ],
    [u('Group', 'eng')],
  );

  it.each([
    ['small sets', 1, 12, 300],
    ['large sets (buckets split by action)', 150, 220, 20],
  ])(
    'matching(): exactly the scope-matched policies that can be satisfied or error, remembered per store: %s',
    (_name, minLength, maxLength, numRuns) => {
      fc.assert(
        fc.property(
          fc.array(policyText, { minLength, maxLength }),
          fc.array(fc.tuple(request, fc.boolean()), { minLength: 1, maxLength: 12 }),
          (texts, reqs) => {
            const ps = compile(texts);
            const index = new ScopeIndex(ps.policies);
            // Each request twice: the second answer comes from the memo.
            for (const [r, second] of [...reqs, ...reqs]) {
              const env: EvalEnv = { ...r, entities: second ? store2 : store };
              const matching = index.matching(env);
              const positions = matching.map((p) => ps.policies.indexOf(p));
              expect(positions).toEqual([...new Set(positions)].sort((x, y) => x - y));
              for (const p of ps.policies) {
                const inScope = p.matchesScope(env);
                let mustBeThere: boolean;
                try {
                  mustBeThere = inScope && p.satisfiesConditions(env);
                } catch {
                  mustBeThere = true;
                }
                if (mustBeThere) expect(matching).toContain(p);
                if (!inScope) expect(matching).not.toContain(p);
              }
              expect(decide(matching, env, 'off', true)).toEqual(decide(ps.policies, env));
            }
          },
        ),
        { numRuns },
      );
    },
  );

  it('skips policies anchored elsewhere', () => {
    const ps = PolicySet.compile(
      [
        'permit(principal == User::"alice", action, resource);',
        'permit(principal, action == Action::"write", resource);',
        'permit(principal, action, resource == File::"b");',
        'permit(principal is Group, action, resource);',
        'permit(principal, action, resource);',
      ].join('\n'),
    );
    const env: EvalEnv = {
      principal: u('User', 'bob'),
      action: u('Action', 'read'),
      resource: u('File', 'a'),
      context: CedarRecord.EMPTY,
      entities: store,
    };
    expect(ps.candidates(env).map((p) => p.id)).toEqual(['policy4']);
  });

  it('skips policies anchored on a context constant the request does not have', () => {
    const ps = PolicySet.compile(
      [
        'permit(principal is User, action, resource) when { context.tool == "shell" };',
        'permit(principal is User, action, resource) when { context.tool == "http" && context.n > 0 };',
        'permit(principal, action, resource) when { context.host == "example.com" };',
      ].join('\n'),
    );
    const env = (context: CedarRecord): EvalEnv => ({
      principal: u('User', 'bob'),
      action: u('Action', 'read'),
      resource: u('File', 'a'),
      context,
      entities: store,
    });
    const ids = (context: CedarRecord) => ps.candidates(env(context)).map((p) => p.id);
    expect(
      ids(
        CedarRecord.fromEntries([
          ['tool', 'http'],
          ['host', 'other.org'],
        ]),
      ),
    ).toEqual(['policy1']);
    expect(
      ids(
        CedarRecord.fromEntries([
          ['tool', 'shell'],
          ['host', 'example.com'],
        ]),
      ),
    ).toEqual(['policy0', 'policy2']);
    // a missing attribute makes `context.tool` error: those policies must be evaluated and reported
    expect(ids(CedarRecord.fromEntries([['host', 'x']]))).toEqual(['policy0', 'policy1']);
    expect(decide(ps.candidates(env(CedarRecord.EMPTY)), env(CedarRecord.EMPTY)).errors.map((e) => e.policyId)).toEqual(
      ['policy0', 'policy1', 'policy2'],
    );
  });

  it('skips policies anchored on a Long ordering the context value rules out', () => {
    const bounds = [10, 20, 30, 40];
    const ps = PolicySet.compile(
      [
        ...bounds.map((b) => `permit(principal is User, action, resource) when { context.risk < ${b} };`),
        ...bounds.map((b) => `permit(principal is User, action, resource) when { ${b} <= context.risk && true };`),
      ].join('\n'),
    );
    const env = (context: CedarRecord): EvalEnv => ({
      principal: u('User', 'bob'),
      action: u('Action', 'read'),
      resource: u('File', 'a'),
      context,
      entities: store,
    });
    const ids = (context: CedarRecord) => ps.matching(env(context)).map((p) => p.id);
    // risk 25: `< 30`, `< 40` (policies 2, 3) and `10 <=`, `20 <=` (policies 4, 5)
    expect(ids(CedarRecord.fromEntries([['risk', 25n]]))).toEqual(['policy2', 'policy3', 'policy4', 'policy5']);
    expect(ids(CedarRecord.fromEntries([['risk', 40n]]))).toEqual(['policy4', 'policy5', 'policy6', 'policy7']);
    // not a Long: every comparison is a type error, to be evaluated and reported
    expect(ids(CedarRecord.fromEntries([['risk', 'high']]))).toHaveLength(8);
    expect(ids(CedarRecord.EMPTY)).toHaveLength(8);
  });

  it('keeps policy order when range anchors push policies in bound order (found by the property test)', () => {
    const ps = PolicySet.compile(
      [
        'permit(principal, action, resource) when { 1 < context.n && principal.nope };',
        'permit(principal, action, resource) when { context.n > -5 && context.n < 3 };',
      ].join('\n'),
    );
    const env: EvalEnv = {
      principal: u('User', 'bob'),
      action: u('Action', 'read'),
      resource: u('File', 'a'),
      context: CedarRecord.fromEntries([['n', 2n]]),
      entities: store,
    };
    expect(ps.candidates(env).map((p) => p.id)).toEqual(['policy0', 'policy1']);
    expect(ps.matching(env).map((p) => p.id)).toEqual(['policy0', 'policy1']);
  });

  it("splits a large group bucket by action: a request takes only its own action's policies", () => {
    const texts = Array.from(
      { length: 40 },
      (_, i) => `permit(principal in Group::"eng", action == Action::"${i % 2 ? 'write' : 'read'}", resource);`,
    );
    texts.push('permit(principal in Group::"eng", action, resource);');
    texts.push('permit(principal in Group::"eng", action in [Action::"ro", Action::"write"], resource);');
    const ps = PolicySet.compile(texts.join('\n'));
    const env: EvalEnv = {
      principal: u('User', 'alice'),
      action: u('Action', 'read'),
      resource: u('File', 'a'),
      context: CedarRecord.EMPTY,
      entities: store,
    };
    const ids = ps.candidates(env).map((p) => Number(p.id.slice('policy'.length)));
    // the 20 `read` policies, the unconstrained one, and the list naming `ro` (an ancestor of read)
    expect(ids).toEqual([...Array.from({ length: 20 }, (_, k) => 2 * k), 40, 41]);
    expect(decide(ps.candidates(env), env)).toEqual(decide(ps.policies, env));
  });

  it('finds a policy anchored on an action once even when several listed actions match', () => {
    const ps = PolicySet.compile(
      'permit(principal, action in [Action::"read", Action::"ro", Action::"any"], resource);',
    );
    const env: EvalEnv = {
      principal: u('User', 'bob'),
      action: u('Action', 'read'),
      resource: u('File', 'a'),
      context: CedarRecord.EMPTY,
      entities: store,
    };
    expect(ps.candidates(env).map((p) => p.id)).toEqual(['policy0']);
  });
});
