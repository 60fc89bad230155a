/**
 * @module decision-point.test
 * `DecisionPoint`: versions on every decision and event; canaries refuse to arm and refuse
 * reloads and entity updates; hot reload from a folder and from a bundle (watched and
 * explicit), where a set that fails to parse, validate or pass its canaries never replaces the
 * serving one; shadow sets whose divergences are logged while the live decision is untouched;
 * attribution to the root user, hops, actor and session.
 */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AuthorizationRequest, EntityStore, PolicySet, parseEntities, Schema, writeBundle } from '@mandate/core';
import {
  type Canary,
  DecisionLog,
  DecisionPoint,
  type DecisionPointOptions,
  type Divergence,
  memorySink,
  OpsError,
  type ReloadResult,
} from '@mandate/ops';
import { afterEach, describe, expect, test } from 'vitest';

const SCHEMA = `entity User; entity Agent; entity File;
action read, write appliesTo { principal: [User, Agent], resource: File, context: { risk?: Long } };`;
const READ_ONLY = `@id("read") permit(principal, action == Action::"read", resource);`;
const READ_WRITE = `${READ_ONLY}\n@id("write") permit(principal, action == Action::"write", resource);`;

const req = (action: string, context: Record<string, unknown> = {}): AuthorizationRequest => ({
  principal: { type: 'User', id: 'alice' },
  action: { type: 'Action', id: action },
  resource: { type: 'File', id: 'notes' },
  context,
});
const CANARIES: readonly Canary[] = [
  { name: 'alice reads', request: req('read'), expect: 'allow' },
  { name: 'nobody deletes', request: { ...req('read'), principal: { type: 'User', id: 'mallory' } }, expect: 'allow' },
];

const dirs: string[] = [];
const points: DecisionPoint[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'mandate-ops-'));
  dirs.push(d);
  return d;
}
function arm(opts: DecisionPointOptions): DecisionPoint {
  const p = DecisionPoint.create(opts);
  points.push(p);
  return p;
}
afterEach(async () => {
  for (const p of points.splice(0)) await p.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Poll until `f` is true (no fixed sleep). */
async function until(f: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!f()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function errorOf(f: () => unknown): OpsError {
  try {
    f();
  } catch (e) {
    if (e instanceof OpsError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

describe('create, versions, canaries', () => {
  test('each decision names its version; its event names policies, schema, entities, input', async () => {
    const sink = memorySink();
    const log = new DecisionLog({ sinks: [sink] });
    const point = arm({
      policies: { kind: 'inline', policies: READ_ONLY, schema: SCHEMA },
      authorizer: { idAnnotation: true },
      log,
    });
    expect(point.version).toMatch(/^sha256:[0-9a-f]{64}$/);
    const d = point.authorize(req('read', { risk: 1 }));
    expect(d).toMatchObject({ decision: 'allow', reasons: ['read'], policies: point.version });
    expect(point.authorize(req('write')).decision).toBe('deny');
    await log.flush();
    const [e, e2] = sink.events;
    expect(e).toMatchObject({
      id: d.id,
      who: { principal: 'User::"alice"' },
      what: { action: 'Action::"read"', resource: 'File::"notes"', input: expect.stringMatching(/^sha256:/) },
      decision: 'allow',
      reasons: ['read'],
      policies: point.version,
      schema: expect.stringMatching(/^sha256:/),
      entities: 0,
    });
    expect(e?.latencyUs).toBeGreaterThanOrEqual(0);
    expect(e2?.what.input).not.toBe(e?.what.input); // different contexts, different digests
  });

  test('a failing canary refuses to arm, listing every failure', () => {
    const e = errorOf(() =>
      DecisionPoint.create({
        policies: { kind: 'inline', policies: READ_ONLY, schema: SCHEMA },
        canaries: [
          { name: 'alice writes', request: req('write'), expect: 'allow' },
          { name: 'typo', request: req('raed'), expect: 'deny' },
          { name: 'alice reads', request: req('read'), expect: 'allow' },
        ],
      }),
    );
    expect(e.kind).toBe('canary');
    expect(e.details).toHaveLength(2);
    expect(e.details[0]).toBe('canary `alice writes` expects allow but got deny (no policy determined it)');
    expect(e.details[1]).toMatch(/^canary `typo`: its request is rejected: .*raed/);
  });

  test('policies that do not parse or validate refuse to arm', () => {
    expect(errorOf(() => DecisionPoint.create({ policies: { kind: 'inline', policies: 'permit(' } })).kind).toBe(
      'load',
    );
    const invalid = errorOf(() =>
      DecisionPoint.create({
        policies: {
          kind: 'inline',
          policies: 'permit(principal, action, resource) when { principal.nope };',
          schema: SCHEMA,
        },
      }),
    );
    expect(invalid.kind).toBe('load');
    expect(invalid.message).toContain('does not validate');
  });

  test('entity updates: versioned, canary-checked, refused ones keep the old entities', () => {
    const errors: OpsError[] = [];
    const point = arm({
      policies: { kind: 'inline', policies: 'permit(principal in Team::"t", action, resource);' },
      entities: [{ uid: { type: 'User', id: 'alice' }, attrs: {}, parents: [{ type: 'Team', id: 't' }] }],
      canaries: [{ name: 'alice reads', request: req('read'), expect: 'allow' }],
      onError: (e) => errors.push(e),
    });
    const bob = { uid: { type: 'User', id: 'bob' }, attrs: {}, parents: [{ type: 'Team', id: 't' }] };
    const alice = { uid: { type: 'User', id: 'alice' }, attrs: {}, parents: [{ type: 'Team', id: 't' }] };
    expect(point.setEntities([alice, bob])).toEqual({ ok: true, entities: 1 });
    // Alice leaves the team: the canary fails, the update is refused.
    const refused = point.setEntities([{ ...alice, parents: [] }, bob]);
    expect(refused.ok).toBe(false);
    expect(errors.map((e) => e.kind)).toEqual(['canary']);
    expect(point.authorize(req('read')).decision).toBe('allow');
    // A store version works too.
    const store = EntityStore.from(parseEntities([alice]));
    expect(point.setEntities(store)).toEqual({ ok: true, entities: 2 });
    expect(point.authorizer.entities).toBe(store);
  });
});

describe('hot reload', () => {
  function folder(policies: string): string {
    const dir = tempDir();
    writeFileSync(join(dir, 'mandate.cedarschema'), SCHEMA);
    writeFileSync(join(dir, '10-read.cedar'), policies);
    return dir;
  }

  test('explicit reload from a folder: swap on change, keep the old set on any failure', () => {
    const dir = folder(READ_ONLY);
    const results: ReloadResult[] = [];
    const errors: OpsError[] = [];
    const point = arm({
      policies: { kind: 'folder', dir },
      authorizer: { idAnnotation: true },
      canaries: [CANARIES[0] as Canary],
      onReload: (r) => results.push(r),
      onError: (e) => errors.push(e),
    });
    const v1 = point.version;
    expect(point.reload()).toEqual({ ok: true, changed: false, version: v1, previous: v1 });

    writeFileSync(join(dir, '20-write.cedar'), '@id("write") permit(principal, action == Action::"write", resource);');
    const r2 = point.reload();
    expect(r2).toMatchObject({ ok: true, changed: true, previous: v1 });
    const v2 = point.version;
    expect(v2).not.toBe(v1);
    expect(point.authorize(req('write'))).toMatchObject({ decision: 'allow', policies: v2 });

    // Does not parse: the error names the file and line; v2 keeps serving.
    writeFileSync(join(dir, '30-broken.cedar'), '\n\npermit(principal, action, resource) when { ( };');
    const r3 = point.reload();
    expect(r3.ok).toBe(false);
    if (!r3.ok) {
      expect(r3.error.kind).toBe('load');
      expect(r3.error.message).toMatch(/^`30-broken\.cedar` line 3: /);
      expect(r3.version).toBe(v2);
    }
    expect(point.authorize(req('write'))).toMatchObject({ decision: 'allow', policies: v2 });

    // Does not validate against the schema.
    writeFileSync(join(dir, '30-broken.cedar'), 'permit(principal, action, resource) when { resource.size > 1 };');
    expect(point.reload()).toMatchObject({ ok: false, error: { kind: 'load' } });

    // Validates, but a canary fails (alice may no longer read).
    writeFileSync(join(dir, '30-broken.cedar'), '@id("no") forbid(principal, action == Action::"read", resource);');
    expect(point.reload()).toMatchObject({ ok: false, error: { kind: 'canary' } });
    expect(point.version).toBe(v2);
    expect(point.authorize(req('read')).decision).toBe('allow');

    expect(results.map((r) => r.ok)).toEqual([true, false, false, false]);
    expect(errors.map((e) => e.kind)).toEqual(['load', 'load', 'canary']);
    expect(point.stats).toMatchObject({ reloads: 1, failedReloads: 3 });
  });

  test('watching a folder: a change is picked up (debounced), a broken file is not', async () => {
    const dir = folder(READ_ONLY);
    const results: ReloadResult[] = [];
    const point = arm({
      policies: { kind: 'folder', dir },
      watch: { debounceMs: 20 },
      onReload: (r) => results.push(r),
    });
    const v1 = point.version;
    writeFileSync(join(dir, '10-read.cedar'), READ_WRITE);
    await until(() => point.version !== v1, 'the new version');
    expect(point.authorize(req('write')).decision).toBe('allow');
    const v2 = point.version;
    writeFileSync(join(dir, '10-read.cedar'), 'permit(');
    await until(() => results.some((r) => !r.ok), 'the failed reload');
    expect(point.version).toBe(v2);
    expect(point.authorize(req('write')).decision).toBe('allow');
  });

  test('watching a bundle replaced by rename: each decision names the bundle digest', async () => {
    const dir = tempDir();
    const file = join(dir, 'policies.bundle.json');
    const schema = Schema.parse(SCHEMA);
    writeFileSync(file, writeBundle(PolicySet.compile(READ_ONLY), { schema }));
    const point = arm({ policies: { kind: 'bundle', file }, watch: { debounceMs: 20 } });
    const v1 = point.version;
    expect(point.authorize(req('write')).decision).toBe('deny');
    const next = writeBundle(PolicySet.compile(READ_WRITE), { schema });
    const digest = (JSON.parse(next) as { digest: string }).digest;
    writeFileSync(join(dir, 'next.tmp'), next);
    renameSync(join(dir, 'next.tmp'), file);
    await until(() => point.version !== v1, 'the new bundle');
    expect(point.version).toBe(digest);
    expect(point.authorize(req('write'))).toMatchObject({ decision: 'allow', policies: digest });
    // A tampered bundle is refused.
    writeFileSync(file, next.replace('"write"', '"wrote"'));
    expect(point.reload()).toMatchObject({ ok: false, error: { kind: 'load' } });
    expect(point.version).toBe(digest);
  });

  test('inline policies cannot be watched', () => {
    expect(errorOf(() => DecisionPoint.create({ policies: { kind: 'inline', policies: '' }, watch: true })).kind).toBe(
      'options',
    );
  });
});

describe('shadow', () => {
  test('divergences are logged and reported; live decisions are unchanged', async () => {
    const sink = memorySink();
    const log = new DecisionLog({ sinks: [sink] });
    const divergences: Divergence[] = [];
    const point = arm({
      policies: { kind: 'inline', policies: READ_ONLY, schema: SCHEMA },
      authorizer: { idAnnotation: true },
      shadow: { policies: { kind: 'inline', policies: READ_WRITE } },
      log,
      onDivergence: (d) => divergences.push(d),
    });
    const read = point.authorize(req('read'));
    const write = point.authorize(req('write'));
    expect(read.decision).toBe('allow');
    expect(write.decision).toBe('deny'); // the live answer, although the shadow allows it
    expect(divergences).toHaveLength(1);
    expect(divergences[0]).toMatchObject({
      eventId: write.id,
      live: { decision: 'deny' },
      shadow: { decision: 'allow' },
    });
    await log.flush();
    expect(sink.events[0]?.shadow).toBeUndefined();
    expect(sink.events[1]?.shadow).toEqual({
      policies: point.shadowVersion,
      decision: 'allow',
      reasons: ['write'],
      errors: 0,
    });
    expect(point.stats).toMatchObject({ shadowDecisions: 2, divergences: 1, shadowErrors: 0 });
  });

  test('compare reasons; sample rate 0 never runs it; a throwing callback is contained', () => {
    const point = arm({
      policies: { kind: 'inline', policies: READ_ONLY, schema: SCHEMA },
      shadow: {
        policies: {
          kind: 'inline',
          // Same decisions, but determined by `policy1` where the live set says `policy0`.
          policies: `forbid(principal, action, resource) when { false };
            permit(principal, action == Action::"read", resource);`,
        },
        compare: 'reasons',
      },
      onDivergence: () => {
        throw new Error('callback bug');
      },
    });
    expect(point.authorize(req('read')).decision).toBe('allow');
    expect(point.stats.divergences).toBe(1); // same decision, another policy
    point.setShadow({ policies: { kind: 'inline', policies: READ_WRITE }, sampleRate: 0 });
    point.authorize(req('write'));
    expect(point.stats.shadowDecisions).toBe(1);
  });

  test('a shadow that fails to load is reported and not used; live serves on', () => {
    const errors: OpsError[] = [];
    const point = arm({
      policies: { kind: 'inline', policies: READ_ONLY, schema: SCHEMA },
      shadow: { policies: { kind: 'inline', policies: 'permit(' } },
      onError: (e) => errors.push(e),
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/^shadow: /);
    expect(point.shadowVersion).toBeUndefined();
    expect(point.authorize(req('read')).decision).toBe('allow');
    expect(point.setShadow({ policies: { kind: 'inline', policies: READ_WRITE }, sampleRate: 2 }).ok).toBe(false);
  });

  test('the shadow follows entity updates and reloads', () => {
    const point = arm({
      policies: { kind: 'inline', policies: 'permit(principal in Team::"t", action, resource);' },
      shadow: { policies: { kind: 'inline', policies: 'forbid(principal in Team::"t", action, resource);' } },
    });
    point.authorize(req('read'));
    expect(point.stats.divergences).toBe(0); // neither applies: alice is in no team
    point.setEntities([{ uid: { type: 'User', id: 'alice' }, attrs: {}, parents: [{ type: 'Team', id: 't' }] }]);
    expect(point.authorize(req('read')).decision).toBe('allow');
    expect(point.stats.divergences).toBe(1);
  });
});

describe('attribution', () => {
  test('root user, hops in order, actor and session, from the chain or from context.chain', async () => {
    const sink = memorySink();
    const log = new DecisionLog({ sinks: [sink] });
    const point = arm({ policies: { kind: 'inline', policies: 'permit(principal, action, resource);' }, log });
    const request: AuthorizationRequest = {
      principal: { type: 'Mandate::Agent', id: 'coder' },
      action: { type: 'Mandate::Action', id: 'file.read' },
      resource: { type: 'Mandate::File', id: '.env' },
      context: {
        session: { id: 's-42' },
        chain: {
          root: { __entity: { type: 'Mandate::User', id: 'alice' } },
          actor: { __entity: { type: 'Mandate::Agent', id: 'coder' } },
        },
      },
    };
    point.authorize(request, { chain: { root: { id: 'alice' }, hops: [{ id: 'planner' }, { id: 'coder' }] } });
    point.authorize(request);
    await log.flush();
    expect(sink.events[0]?.who).toEqual({
      principal: 'Mandate::Agent::"coder"',
      root: 'alice',
      hops: ['planner', 'coder'],
      actor: 'coder',
      session: 's-42',
    });
    expect(sink.events[1]?.who).toEqual({
      principal: 'Mandate::Agent::"coder"',
      root: 'Mandate::User::"alice"',
      actor: 'Mandate::Agent::"coder"',
      session: 's-42',
    });
  });

  test('a malformed request is logged as what it was, with its failure', async () => {
    const sink = memorySink();
    const log = new DecisionLog({ sinks: [sink] });
    const point = arm({ policies: { kind: 'inline', policies: 'permit(principal, action, resource);' }, log });
    const d = point.authorize({
      principal: 42 as never,
      action: { type: 'Action', id: 'a' },
      resource: { type: 'R', id: 'r' },
    });
    expect(d.decision).toBe('deny');
    await log.flush();
    expect(sink.events[0]).toMatchObject({ who: { principal: '(malformed) 42' }, decision: 'deny' });
    expect(sink.events[0]?.failure).toBeDefined();
  });

  test('listPermittedActions over the serving set', () => {
    const point = arm({ policies: { kind: 'inline', policies: READ_ONLY, schema: SCHEMA } });
    const r = point.listPermittedActions({
      principal: { type: 'User', id: 'alice' },
      resource: { type: 'File', id: 'x' },
    });
    expect(r.actions.map((a) => [a.action.id, a.status])).toEqual([['read', 'allow']]);
  });
});

describe('batch', () => {
  test('pdp.authorizeBatch: the same decisions as one by one, each logged with one version', async () => {
    const sink = memorySink();
    const log = new DecisionLog({ sinks: [sink] });
    const point = arm({
      policies: { kind: 'inline', policies: READ_ONLY, schema: SCHEMA },
      authorizer: { idAnnotation: true },
      shadow: { policies: { kind: 'inline', policies: READ_WRITE } },
      log,
    });
    const context = { risk: 3 };
    const requests = [req('read', context), req('write', context), req('nope', context)];
    const batch = point.authorizeBatch(requests);
    const single = requests.map((r) => point.authorize(r));
    const strip = ({ id: _id, ...rest }: { id: string }) => rest;
    expect(batch.map(strip)).toEqual(single.map(strip));
    expect(batch.map((d) => d.decision)).toEqual(['allow', 'deny', 'deny']);
    await log.flush();
    expect(sink.events.slice(0, 3).map((e) => e.id)).toEqual(batch.map((d) => d.id));
    expect(point.stats).toMatchObject({ decisions: 6, divergences: 2 });
  });
});
