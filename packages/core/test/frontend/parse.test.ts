/**
 * @module test/frontend/parse
 * Policy text and cedar-wasm `PolicySet` objects → EST: exact integer literals (checked by
 * evaluating them against cedar-wasm), Cedar's policy ids in text order, parse errors with
 * their policy id and location (every failing policy of a text), and the object forms with
 * their id rules.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { describe, expect, it } from 'vitest';
import { PolicyError } from '../../src/errors.js';
import { parsePolicySet, parsePolicyText } from '../../src/frontend/parse.js';
import { cedarOutcomes, kindOf, mandateOutcomes } from '../compile/cedar-oracle.js';

const P = 'permit(principal, action, resource)';
const T = 'permit(principal == ?principal, action, resource)';
const cond = (body: string) => `${P} when { ${body} };`;

/** The first `when` body of the only policy in `text`. */
function body(text: string): unknown {
  const [p] = parsePolicyText(text);
  if (p === undefined) throw new Error('no policy');
  return (p.est.conditions[0] as { body: unknown }).body;
}

/** The PolicyError thrown by `f` (fails the test when nothing, or something else, is thrown). */
function policyError(f: () => unknown): PolicyError {
  try {
    f();
  } catch (e) {
    if (e instanceof PolicyError) return e;
    throw new Error(`expected a PolicyError, got ${String(e)}`);
  }
  throw new Error('expected a PolicyError, nothing was thrown');
}

describe('integer literals are kept exact', () => {
  it('keeps 2^63 - 1 as a bigint (cedar-wasm alone rounds it)', () => {
    const wasm = cedar.policyToJson(cond('context.x == 9223372036854775807'));
    expect(wasm.type).toBe('success');
    expect(body(cond('context.x == 9223372036854775807'))).toEqual({
      '==': { left: { '.': { left: { Var: 'context' }, attr: 'x' } }, right: { Value: 9223372036854775807n } },
    });
  });

  it('keeps -(2^63 - 1) and -2^63 exact', () => {
    expect(body(cond('-9223372036854775807 == 0'))).toEqual({
      '==': { left: { Value: -9223372036854775807n }, right: { Value: 0 } },
    });
    expect(body(cond('-9223372036854775808 == 0'))).toEqual({
      '==': { left: { Value: -9223372036854775808n }, right: { Value: 0 } },
    });
    expect(body(cond('- 9223372036854775808 == 0'))).toEqual({
      '==': { left: { Value: -9223372036854775808n }, right: { Value: 0 } },
    });
  });

  it('keeps just-unsafe literals exact (2^53 + 1)', () => {
    expect(body(cond('9007199254740993 == 0'))).toEqual({
      '==': { left: { Value: 9007199254740993n }, right: { Value: 0 } },
    });
  });

  it('leaves safe literals as numbers', () => {
    expect(body(cond('9007199254740991 == 1'))).toEqual({
      '==': { left: { Value: 9007199254740991 }, right: { Value: 1 } },
    });
  });

  it('parses `--5` and `-(…)` as Cedar does (a negation around a literal)', () => {
    const wasm = cedar.policyToJson(cond('--5 == 5'));
    if (wasm.type !== 'success') throw new Error('cedar-wasm failed');
    expect(body(cond('--5 == 5'))).toEqual(wasm.json.conditions[0]?.body);
    expect(body(cond('--5 == 5'))).toEqual({ '==': { left: { neg: { arg: { Value: -5 } } }, right: { Value: 5 } } });
    expect(body(cond('-(9223372036854775807) == 0'))).toEqual({
      '==': { left: { neg: { arg: { Value: 9223372036854775807n } } }, right: { Value: 0 } },
    });
    expect(body(cond('--9223372036854775808 == 0'))).toEqual({
      '==': { left: { neg: { arg: { Value: -9223372036854775808n } } }, right: { Value: 0 } },
    });
  });

  it('does not let a placeholder collide with a literal the policy already uses', () => {
    // 2^52 + 7 is the first placeholder the parser would pick.
    const text = cond('[4503599627370503, -4503599627370504, 9223372036854775807, 4503599627370504] == []');
    expect(body(text)).toEqual({
      '==': {
        left: {
          Set: [
            { Value: 4503599627370503 },
            { Value: -4503599627370504 },
            { Value: 9223372036854775807n },
            { Value: 4503599627370504 },
          ],
        },
        right: { Set: [] },
      },
    });
  });

  it('restores several unsafe literals, and the same literal twice', () => {
    const text = cond('[9223372036854775807, 9007199254740993, 9223372036854775807, -9007199254740993] == []');
    expect(body(text)).toEqual({
      '==': {
        left: {
          Set: [
            { Value: 9223372036854775807n },
            { Value: 9007199254740993n },
            { Value: 9223372036854775807n },
            { Value: -9007199254740993n },
          ],
        },
        right: { Set: [] },
      },
    });
  });

  it('keeps prototype-named keys while restoring exact literals', () => {
    const [p] = parsePolicyText(
      `@__proto__("a") ${P} when { {"__proto__": 9223372036854775807, "constructor": 1} has "__proto__" };`,
    );
    if (p === undefined) throw new Error('no policy');
    expect(Object.getOwnPropertyDescriptor(p.est.annotations, '__proto__')?.value).toBe('a');
    const has = (p.est.conditions[0] as { body: { has: { left: { Record: Record<string, unknown> } } } }).body.has;
    expect(Object.keys(has.left.Record)).toEqual(['__proto__', 'constructor']);
    expect(Object.getOwnPropertyDescriptor(has.left.Record, '__proto__')?.value).toEqual({
      Value: 9223372036854775807n,
    });
  });

  it('keeps literals exact in templates too', () => {
    const [t] = parsePolicyText(`${T} when { context.x == 9223372036854775807 };`);
    expect(t?.isTemplate).toBe(true);
    expect((t?.est.conditions[0] as { body: unknown } | undefined)?.body).toEqual({
      '==': { left: { '.': { left: { Var: 'context' }, attr: 'x' } }, right: { Value: 9223372036854775807n } },
    });
  });

  it('rejects the literal 2^63 as Cedar does, with its location', () => {
    const text = cond('9223372036854775808 == 0');
    expect(cedar.policyToJson(text).type).toBe('failure');
    const e = policyError(() => parsePolicyText(text));
    expect(e.kind).toBe('parse');
    expect(e.policyId).toBe('policy0');
    expect(e.message).toContain('9223372036854775808');
    expect(e.location?.offset).toBe(text.indexOf('9223372036854775808'));
    expect(e.location?.length).toBe('9223372036854775808'.length);
    expect(e.location?.line).toBe(1);
    expect(e.location?.column).toBe(text.indexOf('9223372036854775808') + 1);
  });

  it('evaluates the boundary literals exactly as cedar-wasm does', () => {
    const exprs = [
      '9223372036854775807 == 9223372036854775806 + 1',
      '-9223372036854775808 == -9223372036854775807 - 1',
      '9007199254740993 == 9007199254740992',
      '9007199254740993 - 1 == 9007199254740992',
      '--5 == 5',
      '-(5) == -5',
      '-(-9223372036854775807) == 9223372036854775807',
      '-(-9223372036854775808) == 0',
      '--9223372036854775808 == 0',
      '-9223372036854775808 < 9223372036854775807',
      '[9007199254740993].contains(9007199254740992)',
    ];
    expect(mandateOutcomes(exprs).map(kindOf)).toEqual(cedarOutcomes(exprs).map(kindOf));
  });
});

describe('policy ids', () => {
  it('numbers policies policy0, policy1, … in text order', () => {
    const ps = parsePolicyText(`${P};\nforbid(principal, action, resource);\n${P} when { true };`);
    expect(ps.map((p) => p.id)).toEqual(['policy0', 'policy1', 'policy2']);
    expect(ps.map((p) => p.est.effect)).toEqual(['permit', 'forbid', 'permit']);
  });

  it('numbers templates and static policies in one sequence', () => {
    const ps = parsePolicyText(`${P};\n${T};\nforbid(principal, action, resource in ?resource);\n${P};`);
    expect(ps.map((p) => [p.id, p.isTemplate])).toEqual([
      ['policy0', false],
      ['policy1', true],
      ['policy2', true],
      ['policy3', false],
    ]);
  });

  it('agrees with cedar-wasm on which policy is which', () => {
    const text = [
      `@id("a;b") ${P} when { context.s == "x;y" };`,
      `// ${P};`,
      `forbid(principal, action, resource) when { context.s == "//" };`,
      `${P} when { context.n == 1 };`,
      `${P} when { context.n == 2 };`,
    ].join('\n');
    const call = {
      principal: { type: 'U', id: 'u' },
      action: { type: 'A', id: 'a' },
      resource: { type: 'R', id: 'r' },
      context: { s: 'x;y', n: 1 },
      policies: { staticPolicies: text },
      entities: [],
    };
    const answer = cedar.isAuthorized(call);
    if (answer.type !== 'success') throw new Error('cedar-wasm failed');
    // The forbid does not apply (s is not "//"), so the satisfied permits are Cedar's reasons.
    expect(answer.response.diagnostics.reason.sort()).toEqual(['policy0', 'policy2']);
    const ps = parsePolicyText(text);
    expect(ps.map((p) => p.id)).toEqual(['policy0', 'policy1', 'policy2', 'policy3']);
    expect(ps[2]?.text).toBe(`${P} when { context.n == 1 };`);
  });

  it('records each policy text and its offset in the policy-set text', () => {
    const text = `  ${P};\n\n${T};`;
    for (const p of parsePolicyText(text))
      expect(text.slice(p.offset, (p.offset ?? 0) + (p.text?.length ?? 0))).toBe(p.text);
  });

  it('refuses templates when told to', () => {
    const e = policyError(() => parsePolicyText(`${P};\n${T};`, { allowTemplates: false }));
    expect(e.kind).toBe('parse');
    expect(e.policyId).toBe('policy1');
    expect(e.problems).toEqual([{ message: 'static policy set includes a template', policyId: 'policy1' }]);
  });

  it('keeps annotations in the EST, including `@id`', () => {
    const [p] = parsePolicyText(`@id("mine") @reason("because") @flag ${P};`);
    expect(p?.id).toBe('policy0');
    expect(p?.est.annotations).toEqual({ id: 'mine', reason: 'because', flag: null });
  });
});

describe('parse errors', () => {
  it('name the failing policy and its line and column in the whole text', () => {
    const text = `${P};\n${P};\n${P} when { context.n + };\n${P};`;
    const e = policyError(() => parsePolicyText(text));
    expect(e.kind).toBe('parse');
    expect(e.policyId).toBe('policy2');
    const at = text.indexOf('}', text.indexOf('+'));
    expect(e.location).toEqual({ offset: at, length: 1, line: 3, column: at - text.lastIndexOf('\n', at) });
    expect(e.message).toContain('`policy2`');
    expect(e.message).toContain(`line 3, column ${e.location?.column}`);
  });

  it('report a trailing statement without `;`', () => {
    const e = policyError(() => parsePolicyText(`${P};\n${P}`));
    expect(e.kind).toBe('parse');
    expect(e.policyId).toBe('policy1');
  });

  it('report slots where Cedar forbids them', () => {
    const e = policyError(() => parsePolicyText(`${P} when { ?principal == principal };`));
    expect(e.policyId).toBe('policy0');
    expect(e.message).toContain('?principal');
  });

  it('locate errors after non-ASCII text in the caller’s (UTF-16) offsets', () => {
    // cedar-wasm reports UTF-8 byte offsets; "é€😀" is 9 bytes but 4 UTF-16 code units.
    const text = `${P} when { context.s == "é€😀" && 1 + };`;
    const e = policyError(() => parsePolicyText(text));
    const at = text.lastIndexOf('}');
    expect(e.location?.offset).toBe(at);
    expect(e.location?.column).toBe(at + 1);
    expect(text.slice(e.location?.offset, (e.location?.offset ?? 0) + (e.location?.length ?? 0))).toBe('}');
  });

  it('report every policy that fails, led by the first exactly as when it fails alone', () => {
    const bad0 = `${P} when { context.n + };`;
    const bad2 = `${P} when { 1 + };`;
    const text = `${bad0}\n${P};\n  ${bad2}`;
    const e = policyError(() => parsePolicyText(text));
    const alone = policyError(() => parsePolicyText(bad0));
    expect(e.kind).toBe('parse');
    expect(e.policyId).toBe('policy0');
    expect(e.message).toBe(alone.message);
    expect(e.location).toEqual(alone.location);
    expect(e.problems).toHaveLength(2);
    expect(e.problems[0]).toEqual({ message: e.message, policyId: 'policy0', location: e.location });
    const at0 = bad0.lastIndexOf('}');
    expect(e.problems[0]?.location).toMatchObject({ offset: at0, line: 1, column: at0 + 1 });
    const second = e.problems[1];
    expect(second?.policyId).toBe('policy2');
    const at2 = text.lastIndexOf('}');
    const column2 = 3 + bad2.lastIndexOf('}');
    expect(second?.location).toEqual({ offset: at2, length: 1, line: 3, column: column2 });
    expect(second?.message).toMatch(new RegExp(`^failed to parse policy \`policy2\` at line 3, column ${column2}: `));
    expect(e.details).toEqual(e.problems.map((p) => p.message));
  });

  it('list a single failing policy as the one problem', () => {
    const e = policyError(() => parsePolicyText(`${P};\n${P} when { 1 + };\n${P};`));
    expect(e.policyId).toBe('policy1');
    expect(e.problems).toEqual([{ message: e.message, policyId: 'policy1', location: e.location }]);
    expect(e.details).toEqual([e.message]);
  });

  it('still parse a text with no errors into every policy', () => {
    expect(parsePolicyText(`${P};\n${P} when { 1 + 1 == 2 };\n${T};`).map((p) => p.id)).toEqual([
      'policy0',
      'policy1',
      'policy2',
    ]);
  });

  it('come before a template refused after them, as the first problem in text order', () => {
    const e = policyError(() => parsePolicyText(`${P} when { 1 + };\n${T};`, { allowTemplates: false }));
    expect(e.policyId).toBe('policy0');
    expect(e.message).toMatch(/^failed to parse policy `policy0`/);
    expect(e.problems).toHaveLength(1);
  });

  it('locate errors in a single policy given by id, relative to that policy text', () => {
    const e = policyError(() => parsePolicySet({ staticPolicies: { mine: `\n${P} when { 1 + };` } }));
    expect(e.kind).toBe('parse');
    expect(e.policyId).toBe('mine');
    expect(e.location?.line).toBe(2);
  });
});

describe('PolicySet objects', () => {
  it('uses the record keys as ids', () => {
    const { policies, links } = parsePolicySet({
      staticPolicies: { b: `${P};`, a: 'forbid(principal, action, resource);' },
    });
    expect(policies.map((p) => [p.id, p.est.effect])).toEqual([
      ['b', 'permit'],
      ['a', 'forbid'],
    ]);
    expect(links).toEqual([]);
  });

  it('numbers an array of policies policy0, policy1, …', () => {
    const { policies } = parsePolicySet({ staticPolicies: [`${P};`, 'forbid(principal, action, resource);'] });
    expect(policies.map((p) => p.id)).toEqual(['policy0', 'policy1']);
  });

  it('accepts text, templates by id and links', () => {
    const values = { '?principal': { type: 'User', id: 'alice' } };
    const { policies, links } = parsePolicySet({
      staticPolicies: `${P};`,
      templates: { t: `${T};` },
      templateLinks: [{ templateId: 't', newId: 'l', values }],
    });
    expect(policies.map((p) => [p.id, p.isTemplate])).toEqual([
      ['policy0', false],
      ['t', true],
    ]);
    expect(links).toEqual([{ newId: 'l', templateId: 't', values }]);
  });

  it('accepts EST (Cedar JSON) policies and templates', () => {
    const est = cedar.policyToJson(`${P} when { context.n == 1 };`);
    const tpl = cedar.templateToJson(`${T};`);
    if (est.type !== 'success' || tpl.type !== 'success') throw new Error('cedar-wasm failed');
    const { policies } = parsePolicySet({ staticPolicies: { j: est.json }, templates: { t: tpl.json } });
    expect(policies.map((p) => p.id)).toEqual(['j', 't']);
    expect(policies[0]?.est).toEqual(est.json);
  });

  it('rejects invalid EST with a PolicyError naming the policy', () => {
    const e = policyError(() =>
      parsePolicySet({ staticPolicies: { bad: { effect: 'permit', principal: { op: 'bogus' } } as never } }),
    );
    expect(e.kind).toBe('parse');
    expect(e.policyId).toBe('bad');
  });

  it('rejects a template given as a static policy, and a static policy given as a template', () => {
    expect(policyError(() => parsePolicySet({ staticPolicies: { s: `${T};` } })).policyId).toBe('s');
    expect(policyError(() => parsePolicySet({ templates: { t: `${P};` } })).policyId).toBe('t');
  });

  it('rejects two policies under one id', () => {
    const e = policyError(() => parsePolicySet({ staticPolicies: { two: `${P}; ${P};` } }));
    expect(e.policyId).toBe('two');
    expect(e.message).toContain('found 2');
  });

  it('rejects a template id that is also a policy id, and a link id already taken', () => {
    expect(policyError(() => parsePolicySet({ staticPolicies: { x: `${P};` }, templates: { x: `${T};` } })).kind).toBe(
      'duplicate-id',
    );
    const values = { '?principal': { type: 'User', id: 'a' } };
    const dup = policyError(() =>
      parsePolicySet({
        staticPolicies: { x: `${P};` },
        templates: { t: `${T};` },
        templateLinks: [{ templateId: 't', newId: 'x', values }],
      }),
    );
    expect(dup.kind).toBe('duplicate-id');
    expect(dup.policyId).toBe('x');
    const twice = policyError(() =>
      parsePolicySet({
        templates: { t: `${T};` },
        templateLinks: [
          { templateId: 't', newId: 'l', values },
          { templateId: 't', newId: 'l', values },
        ],
      }),
    );
    expect(twice.kind).toBe('duplicate-id');
  });

  it('refuses templates inside static text only in cedar-wasm-strict mode (as cedar-wasm does)', () => {
    const input = { staticPolicies: `${P};\n${T};` };
    expect(parsePolicySet(input).policies.map((p) => p.isTemplate)).toEqual([false, true]);
    expect(policyError(() => parsePolicySet(input, { strictCedarWasm: true })).message).toBe(
      'static policy set includes a template',
    );
    expect(cedar.checkParsePolicySet(input).type).toBe('failure');
    const answer = cedar.isAuthorized({
      principal: { type: 'U', id: 'u' },
      action: { type: 'A', id: 'a' },
      resource: { type: 'R', id: 'r' },
      context: {},
      policies: input,
      entities: [],
    });
    expect(answer.type).toBe('failure');
  });

  it('rejects inputs that are neither text nor objects', () => {
    expect(policyError(() => parsePolicySet(null as never)).kind).toBe('parse');
    expect(policyError(() => parsePolicySet(42 as never)).kind).toBe('parse');
    expect(policyError(() => parsePolicySet({ staticPolicies: { n: 7 as never } })).policyId).toBe('n');
  });
});

describe('a policy that crashes cedar-wasm', () => {
  // Run in a child process: cedar-wasm's parser overflows its stack on deep nesting and the
  // wasm instance stays broken afterwards, which would poison every later test in this worker.
  it('is refused with a PolicyError, and later policies still parse', () => {
    const require = createRequire(import.meta.url);
    const tsx = require.resolve('tsx/cli');
    const parseModule = fileURLToPath(new URL('../../src/frontend/parse.ts', import.meta.url));
    const script = `
      const { parsePolicyText } = await import(${JSON.stringify(parseModule)});
      const deep = 'permit(principal, action, resource) when { ' + '('.repeat(300) + 'true' + ')'.repeat(300) + ' };';
      let first;
      try { parsePolicyText(deep); first = 'accepted'; } catch (e) { first = e?.name + ':' + e?.kind; }
      let second;
      try { second = String(parsePolicyText('permit(principal, action, resource);').length); } catch (e) { second = 'threw ' + e?.message; }
      console.log(JSON.stringify({ first, second }));
    `;
    const run = spawnSync(process.execPath, [tsx, '--conditions=mandate-source', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    const line = run.stdout.trim().split('\n').pop() ?? '';
    expect(JSON.parse(line)).toEqual({ first: 'PolicyError:parse', second: '1' });
  }, 150_000);
});
