/**
 * The official Cedar conformance data and the JS-hazard files, through the data boundary,
 * judged by cedar-wasm: every schema (loads ⇔ `checkParseSchema`), every entities file
 * with its schema and without one (accepts ⇔ `checkParseEntities`), every request (context
 * read and, where the test asks, the request validated ⇔ `isAuthorized`), and, on a sample,
 * entities against another test's schema (mostly rejections) and JSON-vs-text schema loading.
 *
 * The data lives outside the repo (`../shared/conformance`, or `MANDATE_CONFORMANCE_DIR`);
 * the generated corpus is unpacked into the temp folder by the harness's `withCorpus`.
 * Cycles are the one expected difference: Cedar rejects them while loading entities; here
 * they pass the parser and are the entity store's to reject — checked as such.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  type ParsedEntity,
  parseContext,
  parseEntities,
  parseEntityRef,
  validateRequest,
} from '../../src/json/index.js';
import { Schema } from '../../src/schema/index.js';
import { dumpSchema } from '../schema/dump.js';
import { mine, type Verdict, wasm } from './oracle.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const DATA = process.env.MANDATE_CONFORMANCE_DIR ?? resolve(HERE, '../../../../../shared/conformance');
const HAVE_DATA = existsSync(join(DATA, 'run.mjs'));

interface Harness {
  withCorpus(root: string): string;
  parseJsonLossless(text: string): unknown;
}

interface TestFile {
  readonly policies: string;
  readonly entities: string;
  readonly schema: string;
  readonly requests: readonly {
    readonly description?: string;
    readonly principal: unknown;
    readonly action: unknown;
    readonly resource: unknown;
    readonly context?: unknown;
    readonly validateRequest?: boolean;
  }[];
}

function listTestFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.json') && !e.name.endsWith('.entities.json') && !e.name.startsWith('.')) out.push(p);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out.sort();
}

/** Whether the parents relation among `entities` has a cycle (what the entity store rejects). */
function hasCycle(entities: readonly ParsedEntity[]): boolean {
  const parents = new Map(entities.map((e) => [e.uid.key, e.parents.map((p) => p.key)]));
  const state = new Map<string, 1 | 2>();
  for (const start of parents.keys()) {
    if (state.has(start)) continue;
    const stack: [string, number][] = [[start, 0]];
    state.set(start, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as [string, number];
      const ps = parents.get(top[0]) ?? [];
      if (top[1] < ps.length) {
        const p = ps[top[1]++] as string;
        if (state.get(p) === 1) return true;
        if (!state.has(p) && parents.has(p)) {
          state.set(p, 1);
          stack.push([p, 0]);
        }
      } else {
        state.set(top[0], 2);
        stack.pop();
      }
    }
  }
  return false;
}

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

/**
 * Cedar's verdict on data with integers beyond 2^53 cannot be had from cedar-wasm (JS
 * numbers round them, bigints trap it). Stand in for each: `0` if it is a valid i64 (Cedar
 * reading JSON text reads it exactly), `1.5` if not (refused either way). Undefined when the
 * data holds no such integer.
 */
function standIn(v: unknown): { found: boolean; value: unknown } {
  let found = false;
  const walk = (x: unknown): unknown => {
    if (typeof x === 'bigint') {
      found = true;
      return x >= I64_MIN && x <= I64_MAX ? 0 : 1.5;
    }
    if (Array.isArray(x)) return x.map(walk);
    if (typeof x === 'object' && x !== null) {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(x))
        Object.defineProperty(out, k, {
          value: walk((x as Record<string, unknown>)[k]),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      return out;
    }
    return x;
  };
  const value = walk(v);
  return { found, value };
}

class Tally {
  readonly counts = new Map<string, number>();
  readonly mismatches: string[] = [];
  add(what: string, name: string, ours: Verdict, theirs: Verdict): void {
    this.counts.set(what, (this.counts.get(what) ?? 0) + 1);
    if (!theirs.ok)
      this.counts.set(`${what} rejected by Cedar`, (this.counts.get(`${what} rejected by Cedar`) ?? 0) + 1);
    if (ours.ok !== theirs.ok) {
      const show = (v: Verdict) => (v.ok ? 'accepts' : `rejects: ${v.message.slice(0, 240)}`);
      this.mismatches.push(`${what} ${name}: Mandate ${show(ours)} | Cedar ${show(theirs)}`);
    }
  }
}

const verdict = (a: { type: string; errors?: readonly { message: string }[] }): Verdict =>
  a.type === 'success' ? { ok: true } : { ok: false, message: (a.errors ?? []).map((e) => e.message).join('; ') };

interface RunOptions {
  /** Also try entities against the previous file's schema, and JSON-form schemas, every Nth file. */
  readonly sampleEvery: number;
}

/** Run every check on a list of test files; returns the tally. */
function runFiles(root: string, files: readonly string[], harness: Harness, opts: RunOptions): Tally {
  const tally = new Tally();
  const c = wasm();
  const schemas = new Map<string, { text: string; schema: Schema | undefined }>();
  let previous: { text: string; schema: Schema | undefined } | undefined;
  files.forEach((file, index) => {
    const name = file.slice(root.length + 1);
    const testText = readFileSync(file, 'utf8');
    const test = JSON.parse(testText) as TestFile;
    const entText = readFileSync(join(root, test.entities), 'utf8');
    const entities = JSON.parse(entText) as unknown;

    // the schema
    let loaded = schemas.get(test.schema);
    if (loaded === undefined) {
      const text = readFileSync(join(root, test.schema), 'utf8');
      const ours = mine(() => Schema.parse(text));
      tally.add('schema', name, ours, verdict(c.checkParseSchema(text)));
      loaded = { text, schema: ours.ok ? (ours.value as Schema) : undefined };
      schemas.set(test.schema, loaded);
      if (loaded.schema !== undefined && index % opts.sampleEvery === 0) {
        const json = c.schemaToJson(text);
        if (json.type === 'success') {
          const fromJson = mine(() => Schema.parse(json.json));
          tally.add('schema (JSON form)', name, fromJson, { ok: true });
          if (fromJson.ok) {
            const same =
              JSON.stringify(dumpSchema(fromJson.value as Schema)) === JSON.stringify(dumpSchema(loaded.schema));
            tally.add(
              'schema (JSON form) resolves alike',
              name,
              same ? { ok: true } : { ok: false, message: 'different model' },
              { ok: true },
            );
          }
        }
      }
    }
    const { text: schemaText, schema } = loaded;
    if (schema === undefined) return;

    // entities with the schema, and without one
    const check = (what: string, theirsAnswer: Verdict, run: () => ParsedEntity[]) => {
      const ours = mine(run);
      if (ours.ok && !theirsAnswer.ok && /cycle/.test(theirsAnswer.message)) {
        const cyclic = hasCycle(ours.value as ParsedEntity[]);
        tally.add(`${what} (cycle left to the entity store)`, name, { ok: true }, cyclic ? { ok: true } : theirsAnswer);
      } else tally.add(what, name, ours, theirsAnswer);
    };
    const withSchema = verdict(c.checkParseEntities({ entities: entities as never, schema: schemaText }));
    check('entities+schema', withSchema, () => parseEntities(entities, { schema }));
    check('entities', verdict(c.checkParseEntities({ entities: entities as never, schema: null })), () =>
      parseEntities(entities),
    );
    const lossless = harness.parseJsonLossless(entText);
    const exact = standIn(lossless);
    if (exact.found) {
      // exact big integers (as `--bigint` gives them), judged as Cedar reads JSON text
      const theirs = verdict(c.checkParseEntities({ entities: exact.value as never, schema: schemaText }));
      check('entities+schema (bigint)', theirs, () => parseEntities(lossless, { schema }));
    }
    if (previous?.schema !== undefined && index % opts.sampleEvery === 0) {
      const other = previous.schema;
      check(
        'entities+other schema',
        verdict(c.checkParseEntities({ entities: entities as never, schema: previous.text })),
        () => parseEntities(entities, { schema: other }),
      );
    }
    previous = loaded;

    // requests: context read with the action's type; validated when the test says so
    c.preparseSchema('conformance-data', schemaText);
    c.preparsePolicySet('conformance-data', { staticPolicies: '' });
    for (const r of test.requests) {
      const validate = r.validateRequest ?? true;
      const theirs = verdict(
        c.statefulIsAuthorized({
          principal: r.principal as never,
          action: r.action as never,
          resource: r.resource as never,
          context: (r.context ?? {}) as never,
          preparsedSchemaName: 'conformance-data',
          preparsedPolicySetId: 'conformance-data',
          validateRequest: validate,
          entities: [],
        }),
      );
      const ours = mine(() => {
        const principal = parseEntityRef(r.principal, 'principal');
        const action = parseEntityRef(r.action, 'action');
        const resource = parseEntityRef(r.resource, 'resource');
        const context = parseContext(r.context ?? {}, { schema, action, validate: false });
        if (validate) validateRequest(schema, principal, action, resource, context);
      });
      tally.add(validate ? 'request (validated)' : 'request', `${name} ${r.description ?? ''}`, ours, theirs);
    }

    // contexts holding integers beyond 2^53, read exactly (as `--bigint` gives them)
    if (/\d{16,}/.test(testText)) {
      const exactTest = harness.parseJsonLossless(testText) as TestFile;
      for (const r of exactTest.requests) {
        const exact = standIn(r.context ?? {});
        if (!exact.found) continue;
        const validate = r.validateRequest ?? true;
        const theirs = verdict(
          c.statefulIsAuthorized({
            principal: r.principal as never,
            action: r.action as never,
            resource: r.resource as never,
            context: exact.value as never,
            preparsedSchemaName: 'conformance-data',
            preparsedPolicySetId: 'conformance-data',
            validateRequest: validate,
            entities: [],
          }),
        );
        const ours = mine(() => {
          const action = parseEntityRef(r.action, 'action');
          const context = parseContext(r.context ?? {}, { schema, action, validate: false });
          if (validate) validateRequest(schema, r.principal, action, r.resource, context);
        });
        tally.add('request (bigint)', `${name} ${r.description ?? ''}`, ours, theirs);
      }
    }
  });
  return tally;
}

function report(label: string, tally: Tally): void {
  const counts = [...tally.counts].map(([k, n]) => `${k}: ${n}`).join(', ');
  console.log(`[${label}] ${counts}; disagreements: ${tally.mismatches.length}`);
  expect(tally.mismatches.slice(0, 20), `${tally.mismatches.length} disagreements`).toEqual([]);
}

describe.skipIf(!HAVE_DATA)(`conformance data (${DATA})`, async () => {
  const harness = (HAVE_DATA ? await import(pathToFileURL(join(DATA, 'run.mjs')).href) : undefined) as Harness;

  it('sample data: every entities file with every schema of its sandbox', () => {
    const tally = new Tally();
    for (const sandbox of ['sandbox_a', 'sandbox_b']) {
      const dir = join(DATA, 'sample-data', sandbox);
      const entities = JSON.parse(readFileSync(join(dir, 'entities.json'), 'utf8')) as unknown;
      tally.add(
        'entities',
        sandbox,
        mine(() => parseEntities(entities)),
        verdict(wasm().checkParseEntities({ entities: entities as never, schema: null })),
      );
      for (const f of readdirSync(dir).filter((n) => n.endsWith('.cedarschema'))) {
        const text = readFileSync(join(dir, f), 'utf8');
        const s = mine(() => Schema.parse(text));
        tally.add('schema', `${sandbox}/${f}`, s, verdict(wasm().checkParseSchema(text)));
        if (!s.ok) continue;
        tally.add(
          'entities+schema',
          `${sandbox}/${f}`,
          mine(() => parseEntities(entities, { schema: s.value as Schema })),
          verdict(wasm().checkParseEntities({ entities: entities as never, schema: text })),
        );
      }
    }
    report('sample-data', tally);
    expect(tally.counts.get('entities+schema')).toBe(3);
  });

  it('hand-written integration tests', () => {
    const files = listTestFiles(join(DATA, 'tests'));
    expect(files.length).toBeGreaterThan(0);
    report('tests', runFiles(DATA, files, harness, { sampleEvery: 1 }));
  });

  it('JS hazards', () => {
    const files = listTestFiles(join(DATA, 'js-hazards'));
    expect(files.length).toBeGreaterThan(0);
    const tally = runFiles(DATA, files, harness, { sampleEvery: 1 });
    report('js-hazards', tally);
    // the hazards exist to be rejected: make sure rejections were exercised
    expect(tally.counts.get('entities+schema rejected by Cedar') ?? 0).toBeGreaterThan(5);
  });

  // The generated corpus, in slices so that progress shows and no single test runs too long.
  const SLICES = 8;
  for (let slice = 0; slice < SLICES; slice++) {
    it(`generated corpus, slice ${slice + 1}/${SLICES}`, { timeout: 900_000 }, () => {
      const root = harness.withCorpus(DATA);
      const all = listTestFiles(join(root, 'corpus-tests'));
      expect(all.length).toBeGreaterThan(7000);
      const size = Math.ceil(all.length / SLICES);
      report(
        `corpus ${slice + 1}/${SLICES}`,
        runFiles(root, all.slice(slice * size, (slice + 1) * size), harness, { sampleEvery: 4 }),
      );
    });
  }
});
