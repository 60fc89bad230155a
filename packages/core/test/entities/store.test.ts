/**
 * @module test/entities/store
 * The entity store: ancestor closure, Cedar's rules for duplicates and cycles (compared with
 * cedar-wasm), the hierarchy depth limit, incremental `with()` updates (ancestry of
 * descendants, removal, sharing of untouched entities), deep chains and prototype-named ids.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { describe, expect, it } from 'vitest';
import { EntityError, type EntityInput, EntityStore } from '../../src/entities/store.js';
import { CedarRecord, EntityUID, type Value } from '../../src/values/value.js';

const u = (type: string, id: string) => new EntityUID(type, id);
const ent = (
  uid: EntityUID,
  parents: EntityUID[] = [],
  attrs: [string, Value][] = [],
  tags?: [string, Value][],
): EntityInput => ({
  uid,
  attrs: new Map(attrs),
  parents,
  tags: tags === undefined ? undefined : new Map(tags),
});

const ancestors = (s: EntityStore, x: EntityUID): string[] => [...(s.getEntity(x)?.ancestors ?? [])].sort();

function entityError(f: () => unknown): EntityError {
  try {
    f();
  } catch (e) {
    if (e instanceof EntityError) return e;
    throw new Error(`expected an EntityError, got ${String(e)}`);
  }
  throw new Error('expected an EntityError');
}

/** Whether cedar-wasm accepts these entities (in an authorization call that needs none of them). */
function cedarAccepts(entities: EntityJson[]): boolean {
  const a = cedar.isAuthorized({
    principal: { type: 'P', id: 'p' },
    action: { type: 'A', id: 'a' },
    resource: { type: 'R', id: 'r' },
    context: {},
    policies: { staticPolicies: 'permit(principal, action, resource);' },
    entities,
  });
  return a.type === 'success';
}

const json = (
  type: string,
  id: string,
  parents: [string, string][] = [],
  attrs: Record<string, unknown> = {},
): EntityJson => ({
  uid: { type, id },
  attrs: attrs as EntityJson['attrs'],
  parents: parents.map(([t, i]) => ({ type: t, id: i })),
});

const alice = u('User', 'alice');
const eng = u('Group', 'eng');
const all = u('Group', 'all');

describe('building', () => {
  const s = EntityStore.from([
    ent(alice, [eng], [['age', 5n]], [['t', 'v']]),
    ent(eng, [all]),
    ent(all),
    ent(u('User', 'bob'), [u('Group', 'missing')]),
  ]);

  it('stores entities by uid with attributes, parents and tags', () => {
    expect(s.size).toBe(4);
    const a = s.getEntity(alice);
    expect(a?.uid).toEqual(alice);
    expect(a?.attrs).toBeInstanceOf(CedarRecord);
    expect(a?.attrs.get('age')).toBe(5n);
    expect(a?.parents).toEqual([eng]);
    expect(a?.tags.get('t')).toBe('v');
    expect(s.get(alice.key)).toBe(a);
    expect(s.getEntity(u('User', 'nobody'))).toBeUndefined();
    expect([...s.entities()].map((e) => e.uid.key).sort()).toEqual(
      [alice.key, eng.key, all.key, u('User', 'bob').key].sort(),
    );
  });

  it('computes transitive ancestors, the entity itself excluded', () => {
    expect(ancestors(s, alice)).toEqual([all.key, eng.key].sort());
    expect(ancestors(s, eng)).toEqual([all.key]);
    expect(ancestors(s, all)).toEqual([]);
  });

  it('answers `in` reflexively and transitively', () => {
    expect(s.isIn(alice, alice)).toBe(true);
    expect(s.isIn(alice, all)).toBe(true);
    expect(s.isIn(all, alice)).toBe(false);
    expect(s.isIn(u('User', 'nobody'), u('User', 'nobody'))).toBe(true);
    expect(s.isIn(u('User', 'nobody'), all)).toBe(false);
  });

  it('keeps a parent that is not an entity as an ancestor, as Cedar does', () => {
    const bob = u('User', 'bob');
    expect(s.isIn(bob, u('Group', 'missing'))).toBe(true);
    const answer = cedar.isAuthorized({
      principal: { type: 'User', id: 'bob' },
      action: { type: 'A', id: 'a' },
      resource: { type: 'R', id: 'r' },
      context: {},
      policies: { staticPolicies: 'permit(principal in Group::"missing", action, resource);' },
      entities: [json('User', 'bob', [['Group', 'missing']])],
    });
    expect(answer.type === 'success' && answer.response.decision).toBe('allow');
  });

  it('accepts attributes as a CedarRecord and shares empty tags', () => {
    const rec = CedarRecord.fromEntries([['a', 1n]]);
    const t = EntityStore.from([{ uid: alice, attrs: rec, parents: [] }, ent(eng, [], [], [])]);
    expect(t.getEntity(alice)?.attrs).toBe(rec);
    expect(t.getEntity(alice)?.tags.size).toBe(0);
    expect(t.getEntity(eng)?.tags.size).toBe(0);
  });

  it('gives every store a new version', () => {
    const a = EntityStore.from([]);
    const b = EntityStore.from([]);
    expect(b.version).toBeGreaterThan(a.version);
    expect(a.with([]).version).toBeGreaterThan(b.version);
  });
});

describe('duplicates', () => {
  it('accepts an identical repeated entry, as cedar-wasm does', () => {
    expect(cedarAccepts([json('User', 'a', [], { x: 1 }), json('User', 'a', [], { x: 1 })])).toBe(true);
    const s = EntityStore.from([ent(alice, [eng, all], [['x', 1n]]), ent(alice, [all, eng], [['x', 1n]])]);
    expect(s.size).toBe(1);
  });

  it('rejects entries that differ in attributes, parents or tags, as cedar-wasm does', () => {
    expect(cedarAccepts([json('User', 'a', [], { x: 1 }), json('User', 'a', [], { x: 2 })])).toBe(false);
    expect(cedarAccepts([json('User', 'a'), json('User', 'a', [['G', 'g']])])).toBe(false);
    for (const pair of [
      [ent(alice, [], [['x', 1n]]), ent(alice, [], [['x', 2n]])],
      [ent(alice, [], [['x', 1n]]), ent(alice, [], [['x', '1']])],
      [ent(alice), ent(alice, [eng])],
      [ent(alice, [], [], [['t', 'a']]), ent(alice, [], [], [['t', 'b']])],
    ]) {
      const e = entityError(() => EntityStore.from(pair));
      expect(e.kind).toBe('duplicate');
      expect(e.uid).toBe(alice.key);
      expect(e.message).toBe('duplicate entity entry `User::"alice"`');
    }
  });
});

describe('cycles', () => {
  it('rejects a self-loop', () => {
    expect(cedarAccepts([json('G', 'a', [['G', 'a']])])).toBe(false);
    const e = entityError(() => EntityStore.from([ent(alice, [alice])]));
    expect(e.kind).toBe('cycle');
    expect(e.uid).toBe(alice.key);
  });

  it('rejects two- and three-entity cycles, whatever the order given', () => {
    const a = u('G', 'a');
    const b = u('G', 'b');
    const c = u('G', 'c');
    expect(
      cedarAccepts([json('G', 'a', [['G', 'b']]), json('G', 'b', [['G', 'c']]), json('G', 'c', [['G', 'a']])]),
    ).toBe(false);
    expect(entityError(() => EntityStore.from([ent(a, [b]), ent(b, [a])])).kind).toBe('cycle');
    const three = [ent(a, [b]), ent(b, [c]), ent(c, [a])];
    for (let i = 0; i < 3; i++) {
      expect(entityError(() => EntityStore.from([...three.slice(i), ...three.slice(0, i)])).kind).toBe('cycle');
    }
  });

  it('rejects a cycle reached from an entity outside it', () => {
    const a = u('G', 'a');
    const b = u('G', 'b');
    expect(entityError(() => EntityStore.from([ent(alice, [a]), ent(a, [b]), ent(b, [a])])).kind).toBe('cycle');
  });

  it('accepts diamonds and chains through missing entities (no false cycles)', () => {
    const top = u('G', 'top');
    const l = u('G', 'l');
    const r = u('G', 'r');
    const s = EntityStore.from([ent(alice, [l, r]), ent(l, [top]), ent(r, [top]), ent(top, [u('G', 'missing')])]);
    expect(ancestors(s, alice)).toEqual([l.key, r.key, top.key, u('G', 'missing').key].sort());
    expect(cedarAccepts([json('U', 'a', [['G', 'm']]), json('U', 'b', [['G', 'm']])])).toBe(true);
  });

  it('rejects, in with(), a cycle closed through an entity that was missing', () => {
    const m = u('G', 'missing');
    const s = EntityStore.from([ent(alice, [m])]);
    const e = entityError(() => s.with([ent(m, [alice])]));
    expect(e.kind).toBe('cycle');
  });

  it('rejects, in with(), a cycle closed through untouched entities', () => {
    const s = EntityStore.from([ent(alice, [eng]), ent(eng, [all]), ent(all)]);
    expect(entityError(() => s.with([ent(all, [alice])])).kind).toBe('cycle');
    expect(entityError(() => s.with([ent(all, [all])])).kind).toBe('cycle');
  });
});

/** A parent chain n0 → n1 → … → n(len-1), each entity's parent the next. */
function chain(len: number, prefix = 'n'): EntityInput[] {
  const uids = Array.from({ length: len }, (_, i) => u('N', `${prefix}${i}`));
  return uids.map((x, i) => ent(x, i + 1 < len ? [uids[i + 1] as EntityUID] : []));
}

describe('hierarchy depth limit', () => {
  it('accepts chains within the limit', () => {
    const s = EntityStore.from(chain(50), { maxHierarchyDepth: 50 });
    expect(s.isIn(u('N', 'n0'), u('N', 'n49'))).toBe(true);
    expect(ancestors(s, u('N', 'n0'))).toHaveLength(49);
  });

  it('rejects a deeper chain given child first, with a limit error', () => {
    const e = entityError(() => EntityStore.from(chain(200), { maxHierarchyDepth: 50 }));
    expect(e.kind).toBe('limit');
    expect(e.message).toContain('deeper than 50');
  });

  it('rejects a deeper chain whatever order the entities come in', () => {
    const e = entityError(() => EntityStore.from(chain(200).reverse(), { maxHierarchyDepth: 50 }));
    expect(e.kind).toBe('limit');
  });

  it('rejects a chain that with() makes deeper than the limit', () => {
    const s = EntityStore.from(chain(40, 'a'), { maxHierarchyDepth: 50 });
    // Extend the chain downwards: a new 40-long chain whose top has the old chain's bottom as parent.
    const below = chain(40, 'b');
    const last = below[39] as EntityInput;
    below[39] = { ...last, parents: [u('N', 'a0')] };
    expect(entityError(() => s.with(below)).kind).toBe('limit');
  });

  it('applies the default limit of 10,000', () => {
    expect(entityError(() => EntityStore.from(chain(10_050))).kind).toBe('limit');
  });

  it('refuses a 100,000-deep chain with a limit error, without overflowing the stack', () => {
    // Ancestor sets are precomputed (O(1) `in`), so their total size is quadratic in a chain's
    // length: the default depth limit bounds it. Run in a child process with a bounded heap so
    // that a store that cannot stop early fails this test instead of the worker.
    const require = createRequire(import.meta.url);
    const tsx = require.resolve('tsx/cli');
    const storeModule = fileURLToPath(new URL('../../src/entities/store.ts', import.meta.url));
    const valueModule = fileURLToPath(new URL('../../src/values/value.ts', import.meta.url));
    const script = `
      const { EntityStore } = await import(${JSON.stringify(storeModule)});
      const { EntityUID } = await import(${JSON.stringify(valueModule)});
      const n = 100000;
      const uids = Array.from({ length: n }, (_, i) => new EntityUID('N', String(i)));
      const inputs = uids.map((x, i) => ({ uid: x, attrs: new Map(), parents: i + 1 < n ? [uids[i + 1]] : [] }));
      let outcome;
      try { EntityStore.from(inputs); outcome = 'built'; } catch (e) { outcome = e.name + ':' + e.kind; }
      const ok = EntityStore.from(inputs.slice(n - 2000));
      console.log(JSON.stringify({ outcome, size: ok.size, deep: ok.isIn(uids[n - 2000], uids[n - 1]) }));
    `;
    const run = spawnSync(
      process.execPath,
      ['--max-old-space-size=1024', tsx, '--conditions=source', '--input-type=module', '-e', script],
      { encoding: 'utf8', timeout: 30_000 },
    );
    const outcome =
      run.status === 0
        ? run.stdout.trim()
        : `exit ${run.status} ${run.signal ?? ''}: ${run.stderr.split('\n').find((l) => /heap|Error/.test(l)) ?? ''}`;
    expect(outcome).toBe(JSON.stringify({ outcome: 'EntityError:limit', size: 2000, deep: true }));
  }, 60_000);
});

describe('with()', () => {
  const base = () =>
    EntityStore.from([
      ent(alice, [eng], [['age', 5n]]),
      ent(eng, [all]),
      ent(all),
      ent(u('User', 'bob'), [all]),
      ent(u('File', 'f')),
    ]);

  it('adds and replaces entities without changing the original store', () => {
    const s = base();
    const t = s.with([ent(u('User', 'carol'), [eng]), ent(alice, [eng], [['age', 6n]])]);
    expect(t.size).toBe(6);
    expect(t.getEntity(alice)?.attrs.get('age')).toBe(6n);
    expect(s.getEntity(alice)?.attrs.get('age')).toBe(5n);
    expect(s.getEntity(u('User', 'carol'))).toBeUndefined();
    expect(t.isIn(u('User', 'carol'), all)).toBe(true);
  });

  it('recomputes the ancestry of descendants when a parent changes', () => {
    const s = base();
    const ops = u('Group', 'ops');
    const t = s.with([ent(eng, [ops]), ent(ops)]);
    expect(t.isIn(alice, ops)).toBe(true);
    expect(t.isIn(alice, all)).toBe(false);
    expect(ancestors(t, alice)).toEqual([eng.key, ops.key].sort());
    expect(s.isIn(alice, all)).toBe(true);
  });

  it('recomputes descendants when an entity that was missing appears', () => {
    const s = EntityStore.from([ent(alice, [u('Group', 'new')])]);
    expect(s.isIn(alice, all)).toBe(false);
    const t = s.with([ent(u('Group', 'new'), [all])]);
    expect(t.isIn(alice, all)).toBe(true);
  });

  it('removes entities; their descendants keep them as a parent but lose what lay above', () => {
    const s = base();
    const t = s.with([], [eng]);
    expect(t.getEntity(eng)).toBeUndefined();
    expect(t.size).toBe(4);
    expect(t.isIn(alice, eng)).toBe(true);
    expect(t.isIn(alice, all)).toBe(false);
    expect(s.isIn(alice, all)).toBe(true);
  });

  it('lets an upsert win over a removal of the same uid, and ignores removing what is absent', () => {
    const s = base();
    const t = s.with([ent(eng)], [eng, u('User', 'nobody')]);
    expect(t.getEntity(eng)).toBeDefined();
    expect(t.isIn(alice, all)).toBe(false);
    expect(t.size).toBe(5);
  });

  it('shares the stored objects of untouched entities', () => {
    const s = base();
    const t = s.with([ent(eng, [])]);
    expect(t.getEntity(u('User', 'bob'))).toBe(s.getEntity(u('User', 'bob')));
    expect(t.getEntity(u('File', 'f'))).toBe(s.getEntity(u('File', 'f')));
    expect(t.getEntity(all)).toBe(s.getEntity(all));
    expect(t.getEntity(alice)).not.toBe(s.getEntity(alice));
  });

  it('refuses the same uid twice among the upserts', () => {
    const e = entityError(() => base().with([ent(u('User', 'x')), ent(u('User', 'x'))]));
    expect(e.kind).toBe('duplicate');
  });

  it('matches a store built from scratch with the same entities', () => {
    const s = base().with([ent(u('Group', 'ops'), [all]), ent(eng, [u('Group', 'ops')])], [u('User', 'bob')]);
    const fresh = EntityStore.from([
      ent(alice, [eng], [['age', 5n]]),
      ent(eng, [u('Group', 'ops')]),
      ent(all),
      ent(u('File', 'f')),
      ent(u('Group', 'ops'), [all]),
    ]);
    const view = (x: EntityStore) =>
      [...x.entities()]
        .map((e) => [e.uid.key, [...e.ancestors].sort()] as const)
        .sort((a, b) => (a[0] < b[0] ? -1 : 1));
    expect(view(s)).toEqual(view(fresh));
  });
});

describe('prototype-named ids and types', () => {
  const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

  it('are ordinary data', () => {
    const inputs = names.map((n, i) =>
      ent(u(n, n), i + 1 < names.length ? [u(names[i + 1] as string, names[i + 1] as string)] : [], [[n, n]]),
    );
    const s = EntityStore.from(inputs);
    expect(s.size).toBe(names.length);
    expect(s.isIn(u('__proto__', '__proto__'), u('valueOf', 'valueOf'))).toBe(true);
    expect(s.getEntity(u('constructor', 'constructor'))?.attrs.get('constructor')).toBe('constructor');
    expect(s.getEntity(u('User', '__proto__'))).toBeUndefined();
    expect(s.getEntity(u('User', 'constructor'))).toBeUndefined();
    expect(s.isIn(u('User', 'toString'), u('Group', 'constructor'))).toBe(false);
    expect(({} as Record<string, unknown>).valueOf).toBe(Object.prototype.valueOf);
  });

  it('can be updated and removed', () => {
    const p = u('User', '__proto__');
    const s = EntityStore.from([ent(p, [u('Group', 'constructor')])]);
    const t = s.with([ent(u('Group', 'constructor'), [u('Group', 'toString')])]);
    expect(t.isIn(p, u('Group', 'toString'))).toBe(true);
    expect(t.with([], [p]).getEntity(p)).toBeUndefined();
  });
});
