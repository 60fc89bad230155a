/**
 * @module digest.test
 * The input digest is taken off the deciding call: `DecisionPoint` decides the parsed request
 * (the same decision as `Authorizer.authorize`, failures included, for valid and malformed
 * requests alike), the event keeps the parsed context and the log's drain digests it. The
 * digest is `inputDigest` of the context however the caller spelled it, does not follow the
 * caller's later changes to its JSON, and is what receipts sign.
 */
import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';
import {
  type AuthorizationRequest,
  Authorizer,
  CedarRecord,
  type Decision,
  EntityUID,
  parseContext,
  type Value,
} from '@mandate/core';
import {
  canonicalJson,
  DecisionLog,
  DecisionPoint,
  type DecisionPointOptions,
  decisionEvent,
  ensureInputDigest,
  generateReceiptKeys,
  inputDigest,
  jsonLinesSink,
  memorySink,
  type OtelTraceApi,
  otelSink,
  verifyReceipt,
} from '@mandate/ops';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';

const SCHEMA = `entity User; entity Agent; entity File;
type Session = { id: String, risk: Long };
action read, write appliesTo {
  principal: [User, Agent], resource: File,
  context: { session: Session, owner?: User, hosts?: Set<String>, addr?: ipaddr, input?: { path: String } }
};`;
const POLICIES = `
@id("read") permit(principal, action == Action::"read", resource) when { context.session.risk < 50 };
@id("owner") permit(principal, action == Action::"write", resource) when { context has owner && context.owner == principal };
@id("risky") forbid(principal, action, resource) when { context.session.risk > 90 };
@id("local") forbid(principal, action, resource) when { context has addr && context.addr.isLoopback() };
@id("overflow") forbid(principal, action, resource) when { context.session.risk + 9223372036854775800 > 0 };`;

const sha256 = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;
const strip = ({ id: _id, policies: _policies, ...rest }: Decision & { id: string; policies: string }) => rest;

const alice = { type: 'User', id: 'alice' };
const base: AuthorizationRequest = {
  principal: alice,
  action: { type: 'Action', id: 'read' },
  resource: { type: 'File', id: 'notes' },
  context: { session: { id: 's-1', risk: 10 }, input: { path: '/home/alice/notes.md' } },
};

/** Valid requests and malformed ones of every kind the authorizer refuses. */
function table(): [string, AuthorizationRequest][] {
  const ctx = base.context as Record<string, unknown>;
  const cyclic: Record<string, unknown> = { session: { id: 's', risk: 1 } };
  cyclic.self = cyclic;
  return [
    ['valid, allowed', base],
    ['valid, denied (risk)', { ...base, context: { session: { id: 's', risk: 95 } } }],
    [
      'valid, write by the owner ({type,id} uid)',
      { ...base, action: { type: 'Action', id: 'write' }, context: { ...ctx, owner: alice } },
    ],
    [
      'valid, write by the owner (__entity uid)',
      { ...base, action: { type: 'Action', id: 'write' }, context: { ...ctx, owner: { __entity: alice } } },
    ],
    [
      'valid, set and extension',
      { ...base, context: { ...ctx, hosts: ['a', 'b', 'a'], addr: { __extn: { fn: 'ip', arg: '127.0.0.1' } } } },
    ],
    ['valid, EntityUID principal', { ...base, principal: new EntityUID('User', 'alice') }],
    ['valid, __entity principal', { ...base, principal: { __entity: alice } as never }],
    ['principal not an entity', { ...base, principal: 42 as never }],
    ['principal of an undeclared type', { ...base, principal: { type: 'Robot', id: 'r' } }],
    ['resource missing its id', { ...base, resource: { type: 'File' } as never }],
    ['action not in the schema', { ...base, action: { type: 'Action', id: 'delete' } }],
    ['context missing a required attribute', { ...base, context: {} }],
    ['context attribute of the wrong type', { ...base, context: { session: { id: 's', risk: 'high' } } }],
    ['context with an undeclared attribute', { ...base, context: { ...ctx, extra: true } }],
    ['context null', { ...base, context: null as never }],
    ['context a string', { ...base, context: 'x' as never }],
    ['context absent', { principal: base.principal, action: base.action, resource: base.resource }],
    ['context with a float', { ...base, context: { session: { id: 's', risk: 1.5 } } }],
    ['context with NaN', { ...base, context: { session: { id: 's', risk: Number.NaN } } }],
    ['context cyclic', { ...base, context: cyclic }],
    ['context with a bad extension', { ...base, context: { ...ctx, addr: { __extn: { fn: 'ip', arg: 'nope' } } } }],
  ];
}

function points(opts: Partial<DecisionPointOptions> = {}) {
  const sink = memorySink();
  const log = new DecisionLog({ sinks: [sink], capacity: 100_000 });
  const make = (o: Partial<DecisionPointOptions>) =>
    DecisionPoint.create({
      policies: { kind: 'inline', policies: POLICIES, schema: SCHEMA },
      authorizer: { idAnnotation: true },
      ...opts,
      ...o,
    });
  return {
    sink,
    log,
    bare: new Authorizer({ policies: POLICIES, schema: SCHEMA, idAnnotation: true, ...opts.authorizer }),
    variants: {
      'no log': make({}),
      'log, digest on': make({ log }),
      'log, digest off': make({ log, inputDigest: false }),
    },
  };
}

describe('the decision returned is Authorizer.authorize’s', () => {
  for (const settings of [{}, { validateRequests: false }, { failClosed: 'all' }] as const) {
    test(`valid and malformed requests (${JSON.stringify(settings)})`, async () => {
      const { bare, variants, log } = points({ authorizer: { idAnnotation: true, ...settings } });
      let failures = 0;
      for (const [name, request] of table()) {
        const expected = bare.authorize(request);
        if (expected.failure !== undefined) failures++;
        for (const [variant, pdp] of Object.entries(variants)) {
          expect({ name, variant, d: strip(pdp.authorize(request)) }).toEqual({ name, variant, d: expected });
        }
        const batch = variants['log, digest on'].authorizeBatch([request, request]);
        expect(batch.map(strip)).toEqual([expected, expected]);
      }
      expect(failures).toBeGreaterThan(5); // the table does exercise the failure path
      expect(table().some(([, r]) => bare.authorize(r).errors.length > 0)).toBe(true); // and erroring policies
      await log.flush();
    });
  }

  test('without a schema (property: random, partly malformed requests)', async () => {
    const policies = `permit(principal, action, resource) when { context has n && context.n > 2 };
      forbid(principal, action, resource) when { context has who && context.who == principal };`;
    const bare = new Authorizer({ policies });
    const log = new DecisionLog({ sinks: [], capacity: 1_000_000 });
    const pdp = DecisionPoint.create({ policies: { kind: 'inline', policies }, log });
    const uid = fc.oneof(
      fc.record({ type: fc.constantFrom('User', 'Bad Type', ''), id: fc.string({ maxLength: 3 }) }),
      fc.record({ type: fc.constant('User'), id: fc.string({ maxLength: 3 }) }).map((u) => ({ __entity: u })),
      fc.anything({ maxDepth: 1 }),
    );
    const context = fc.oneof(
      fc.record({ n: fc.oneof(fc.integer(), fc.double(), fc.string()), who: uid }, { requiredKeys: [] }),
      fc.jsonValue({ maxDepth: 2 }),
      fc.anything({ maxDepth: 2 }),
      fc.constant(undefined),
    );
    fc.assert(
      fc.property(uid, uid, uid, context, (principal, action, resource, ctx) => {
        const request = { principal, action, resource, context: ctx } as AuthorizationRequest;
        expect(strip(pdp.authorize(request))).toEqual(bare.authorize(request));
      }),
      { numRuns: 1500 },
    );
    await log.flush();
    expect(log.stats.sinkErrors).toBe(0);
  });
});

describe('the input digest', () => {
  const schema = new Authorizer({ policies: POLICIES, schema: SCHEMA }).schema;

  test('is taken in the drain, not on the deciding call (unless a synchronous hook is to see it)', async () => {
    /**
     * A record that counts how often it is read whole (the digest reads it whole, through
     * `map`; a policy reads one attribute, through `get`/`has`).
     */
    class CountingRecord extends CedarRecord {
      reads = 0;
      readonly #attrs: ReadonlyMap<string, Value>;
      constructor(attrs: ReadonlyMap<string, Value>) {
        super(attrs);
        this.#attrs = attrs;
      }
      override get map() {
        this.reads++;
        return super.map;
      }
      override get(k: string): Value | undefined {
        return this.#attrs.get(k);
      }
      override has(k: string): boolean {
        return this.#attrs.has(k);
      }
    }
    const policies = {
      kind: 'inline' as const,
      policies: 'permit(principal, action, resource) when { context.n > 0 };',
    };
    const request = (context: CedarRecord) => ({ ...base, context });

    const sink = memorySink();
    const log = new DecisionLog({ sinks: [sink] });
    const pdp = DecisionPoint.create({ policies, log });
    const context = new CountingRecord(new Map([['n', 1n]]));
    expect(pdp.authorize(request(context)).decision).toBe('allow');
    expect(context.reads).toBe(0); // not digested on the deciding call
    await log.flush();
    expect(context.reads).toBe(1); // in the drain, once
    expect(sink.events[0]?.what.input).toBe(sha256('{"n":1}'));
    expect(sink.events[0]?.what.input).toBe(inputDigest(context));
    expect(Object.keys(sink.events[0]?.what ?? {})).toEqual(['action', 'resource', 'input']); // the usual shape
    expect(JSON.parse(JSON.stringify(sink.events[0])).what).toEqual({
      action: 'Action::"read"',
      resource: 'File::"notes"',
      input: sha256('{"n":1}'),
    });

    const seen: (string | undefined)[] = [];
    const hooked = new DecisionLog({ sinks: [{ name: 'peek', onDecision: (e) => void seen.push(e.what.input) }] });
    const withHook = DecisionPoint.create({ policies, log: hooked });
    const other = new CountingRecord(new Map([['n', 2n]]));
    withHook.authorize(request(other));
    expect(other.reads).toBe(1); // the hook sees the digest: taken on the deciding call
    expect(seen).toEqual([sha256('{"n":2}')]);
    await hooked.flush();
    expect(other.reads).toBe(1);
  });

  test('with a schema: the digest is inputDigest(context, { schema, action })', async () => {
    const sink = memorySink();
    const log = new DecisionLog({ sinks: [sink] });
    const pdp = DecisionPoint.create({ policies: { kind: 'inline', policies: POLICIES, schema: SCHEMA }, log });
    pdp.authorize(base);
    await log.flush();
    expect(sink.events[0]?.what.input).toBe(inputDigest(base.context, { schema, action: base.action }));
  });

  test('does not follow the caller’s changes to its context after authorize returns', async () => {
    const { sink, log, variants } = points();
    const context = { session: { id: 's-1', risk: 10 }, input: { path: '/a' } };
    const before = inputDigest(structuredClone(context), { schema, action: base.action });
    variants['log, digest on'].authorize({ ...base, context });
    context.input.path = '/b';
    context.session.risk = 99;
    await log.flush();
    expect(sink.events[0]?.what.input).toBe(before);
    expect(before).not.toBe(inputDigest(context, { schema, action: base.action }));
  });

  test('does not depend on how uids are written or on key order; a record and its JSON agree', () => {
    const write = { type: 'Action', id: 'write' };
    const a = { session: { id: 's', risk: 1 }, owner: alice };
    const b = { owner: { __entity: { id: 'alice', type: 'User' } }, session: { risk: 1, id: 's' } };
    const da = inputDigest(a, { schema, action: write });
    expect(inputDigest(b, { schema, action: write })).toBe(da);
    expect(inputDigest(parseContext(a, { schema, action: write }))).toBe(da);
    // Without the schema `{type, id}` is a record, not a uid: a different input.
    expect(inputDigest(a)).not.toBe(da);
    // A context with no uids, sets or extensions: SHA-256 of its canonical JSON, as before.
    expect(inputDigest({ session: { id: 's', risk: 1 } })).toBe(sha256('{"session":{"id":"s","risk":1}}'));
    // A context that cannot be read is digested as given.
    expect(inputDigest({ x: 1.5 })).toBe(sha256(canonicalJson({ x: 1.5 })));
  });

  test('every event of the table: the digest a verifier computes with inputDigest', async () => {
    const { sink, log, variants } = points();
    const requests = table().filter(([name]) => name !== 'context cyclic' && name !== 'context with NaN');
    for (const [, r] of requests) variants['log, digest on'].authorize(r);
    variants['log, digest on'].authorizeBatch(requests.map(([, r]) => r));
    variants['log, digest on'].authorize(table().find(([n]) => n === 'context cyclic')?.[1] as AuthorizationRequest);
    await log.flush();
    const n = requests.length;
    expect(sink.events).toHaveLength(2 * n + 1);
    requests.forEach(([name, r], i) => {
      const expected = inputDigest(r.context, { schema, action: r.action });
      expect({ name, input: sink.events[i]?.what.input }).toEqual({ name, input: expected });
      expect({ name, batch: sink.events[n + i]?.what.input }).toEqual({ name, batch: expected });
    });
    expect(sink.events[2 * n]?.what.input).toBe('unhashable');
  });

  test('signed receipts carry the digest and verify', async () => {
    const keys = generateReceiptKeys();
    const out = new PassThrough();
    let text = '';
    out.on('data', (c) => {
      text += String(c);
    });
    const log = new DecisionLog({ sinks: [jsonLinesSink(out)], receipts: { privateKey: keys.privateKey } });
    const pdp = DecisionPoint.create({ policies: { kind: 'inline', policies: POLICIES, schema: SCHEMA }, log });
    pdp.authorize(base);
    await log.flush();
    const line = text.trim();
    const r = verifyReceipt(line, keys.publicKeyPem);
    expect(r.ok).toBe(true);
    expect(r.ok && r.receipt.what.input).toBe(inputDigest(base.context, { schema, action: base.action }));
  });

  test('a synchronous hook that reads it (OpenTelemetry) gets it on the deciding call', async () => {
    const added: Record<string, unknown>[] = [];
    const api: OtelTraceApi = {
      trace: { getActiveSpan: () => ({ addEvent: (_n: string, a?: Record<string, unknown>) => added.push(a ?? {}) }) },
    };
    const log = new DecisionLog({ sinks: [await otelSink({ api })] });
    const pdp = DecisionPoint.create({ policies: { kind: 'inline', policies: POLICIES, schema: SCHEMA }, log });
    pdp.authorize(base);
    expect(added[0]?.['mandate.input']).toBe(inputDigest(base.context, { schema, action: base.action }));
    await log.flush();
  });

  test('decisionEvent by hand: a record given as input waits for ensureInputDigest; JSON is digested at once', () => {
    const d = new Authorizer({ policies: 'permit(principal, action, resource);' }).authorize(base);
    const parts = { request: base, decision: d, latencyUs: 1, policies: 'p', schema: undefined, entities: 0 };
    const record = CedarRecord.fromEntries([['n', 1n]]);
    const lazy = decisionEvent({ ...parts, input: record });
    expect('input' in lazy.what).toBe(false);
    expect(JSON.parse(JSON.stringify(lazy)).what).toEqual({ action: 'Action::"read"', resource: 'File::"notes"' });
    expect(ensureInputDigest(lazy)).toBe(sha256('{"n":1}'));
    expect(lazy.what.input).toBe(sha256('{"n":1}'));
    expect(ensureInputDigest(lazy)).toBe(sha256('{"n":1}')); // once
    expect(Object.keys(lazy.what)).toEqual(['action', 'resource', 'input']);
    expect(lazy.what).toEqual({ action: 'Action::"read"', resource: 'File::"notes"', input: sha256('{"n":1}') });
    expect(decisionEvent(parts).what.input).toBe(inputDigest(base.context));
    expect(decisionEvent({ ...parts, request: { ...base, context: record } }).what.input).toBe(sha256('{"n":1}'));
    expect(decisionEvent({ ...parts, input: 'sha256:given' }).what.input).toBe('sha256:given');
    expect('input' in decisionEvent({ ...parts, digest: false }).what).toBe(false);
    expect(ensureInputDigest(decisionEvent({ ...parts, digest: false }))).toBeUndefined();
  });
});
