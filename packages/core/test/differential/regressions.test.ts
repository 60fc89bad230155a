/**
 * @module differential/regressions.test
 * Named regression cases for the differential tests: hand-picked tricky inputs, and every
 * mismatch the property test has found (paste the "regression entry" it prints, give it a
 * name that says what went wrong). Each case is checked against cedar-wasm first (the
 * expectation must still be Cedar's) and then against the engine under test
 * (`MANDATE_DIFF_ENGINE`, see `harness.ts`), through `isAuthorized` and `Authorizer`.
 */
import type { AuthorizationCall, CedarValueJson, EntityJson, TemplateLink } from '@cedar-policy/cedar-wasm/nodejs';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { describe, expect, test } from 'vitest';
import { MUTATIONS, mutate, ownRecord, SCHEMA } from './arbitraries.js';
import {
  authorizerAsIsAuthorized,
  difference,
  type Expected,
  formatCase,
  judge,
  loadEngine,
  oracle,
  toVerdict,
  verdictOfExpected,
} from './harness.js';

interface RegressionCase {
  readonly name: string;
  readonly call: AuthorizationCall;
  readonly schema?: string;
  readonly expected: Expected;
}

const uid = (type: string, id: string) => ({ type, id });
const ALICE = uid('User', 'alice');
const VIEW = uid('Action', 'view');
const DOC = uid('Doc', 'd');

/** An entity; `attrs`/`tags` as entries so that `__proto__` is an ordinary key. */
function entity(
  type: string,
  id: string,
  attrs: ReadonlyArray<readonly [string, CedarValueJson]> = [],
  parents: ReadonlyArray<readonly [string, string]> = [],
  tags?: ReadonlyArray<readonly [string, CedarValueJson]>,
): EntityJson {
  const e: EntityJson = { uid: uid(type, id), attrs: ownRecord(attrs), parents: parents.map(([t, i]) => uid(t, i)) };
  if (tags) e.tags = ownRecord(tags);
  return e;
}

/** A call with the usual request (User::"alice", Action::"view", Doc::"d") unless overridden. */
function call(c: {
  policies: string | ReadonlyArray<readonly [string, string]>;
  templates?: ReadonlyArray<readonly [string, string]>;
  links?: TemplateLink[];
  entities?: EntityJson[];
  principal?: { type: string; id: string };
  action?: { type: string; id: string };
  resource?: { type: string; id: string };
  context?: ReadonlyArray<readonly [string, CedarValueJson]>;
}): AuthorizationCall {
  const policies: AuthorizationCall['policies'] = {
    staticPolicies: typeof c.policies === 'string' ? c.policies : ownRecord(c.policies),
  };
  if (c.templates) policies.templates = ownRecord(c.templates);
  if (c.links) policies.templateLinks = c.links;
  return {
    principal: c.principal ?? ALICE,
    action: c.action ?? VIEW,
    resource: c.resource ?? DOC,
    context: ownRecord(c.context ?? []),
    policies,
    entities: c.entities ?? [],
  };
}

const allow = (reasons: string[], errors: string[] = []): Expected => ({ decision: 'allow', reasons, errors });

const CASES: RegressionCase[] = [
  // --- Long: exact i64, checked overflow ---------------------------------------------------
  {
    name: 'i64 literals stay exact beyond 2^53 (no rounding through JSON numbers)',
    call: call({
      policies: `permit(principal, action, resource) when {
        9223372036854775807 != 9223372036854775806 &&
        -9223372036854775808 == -9223372036854775807 - 1 &&
        9007199254740993 != 9007199254740992
      };`,
    }),
    expected: allow(['policy0']),
  },
  {
    name: 'overflow in + is an error that skips only its policy',
    call: call({
      policies: `permit(principal, action, resource) when { 9223372036854775807 + 1 > 0 };
                 permit(principal, action, resource) when { 9223372036854775806 + 1 == 9223372036854775807 };`,
    }),
    expected: allow(['policy1'], ['policy0']),
  },
  {
    name: 'multiplication overflows just past sqrt(2^63)',
    call: call({
      policies: `permit(principal, action, resource) when { 3037000499 * 3037000499 > 0 };
                 forbid(principal, action, resource) when { 3037000500 * 3037000500 > 0 };`,
    }),
    expected: allow(['policy0'], ['policy1']),
  },
  {
    name: 'negating i64 min overflows; subtracting below it too',
    call: call({
      policies: `permit(principal, action, resource) when { -(-9223372036854775808) > 0 };
                 permit(principal, action, resource) when { -9223372036854775807 - 2 < 0 };
                 permit(principal, action, resource) when { -(-9223372036854775807) == 9223372036854775807 };`,
    }),
    expected: allow(['policy2'], ['policy0', 'policy1']),
  },
  // --- errors and decision rules ----------------------------------------------------------
  {
    name: 'a forbid that errors is skipped: permit wins, the forbid is reported',
    call: call({
      policies: `permit(principal, action, resource);
                 forbid(principal, action, resource) when { principal.missing };`,
      entities: [entity('User', 'alice')],
    }),
    expected: allow(['policy0'], ['policy1']),
  },
  {
    name: '&& / || / if short-circuit past type errors',
    call: call({
      policies: `permit(principal, action, resource) when {
        !(false && (1 + "a" == 2)) && (true || principal.nope) && (if true then true else 1 + "a")
      };
      forbid(principal, action, resource) when { true && 1 };`,
    }),
    expected: allow(['policy0'], ['policy1']),
  },
  {
    name: '== across types is false, not an error',
    call: call({
      policies: `permit(principal, action, resource) when {
        1 != "1" && !(User::"alice" == "User::\\"alice\\"") && [1] != 1 && {a: 1} != [1] && decimal("1.0") != 1
      };`,
    }),
    expected: allow(['policy0']),
  },
  // --- missing entities --------------------------------------------------------------------
  {
    name: '`in` on a missing entity is false except reflexively, and never an error',
    call: call({
      policies: `permit(principal, action, resource) when { principal in User::"alice" };
                 forbid(principal, action, resource) when { principal in Group::"g" };`,
    }),
    expected: allow(['policy0']),
  },
  {
    name: '`has` on a missing entity is false; attribute access on it errors',
    call: call({
      policies: `permit(principal, action, resource) when { !(principal has n) };
                 permit(principal, action, resource) when { principal.n == 1 };`,
    }),
    expected: allow(['policy0'], ['policy1']),
  },
  {
    name: 'a parent that is not in the entities still counts for `in` and `is … in`',
    call: call({
      policies: `permit(principal is User in Group::"nope", action, resource);`,
      entities: [entity('User', 'alice', [], [['Group', 'nope']])],
    }),
    expected: allow(['policy0']),
  },
  // --- JS hazards --------------------------------------------------------------------------
  {
    name: '`__proto__`, `constructor`, `toString` are ordinary ids and attribute names',
    call: call({
      policies: `permit(principal == User::"__proto__", action, resource) when {
        principal.__proto__ == "x" && principal["constructor"] == 1 && !(principal has toString) &&
        context.__proto__ == 5 && !(context has "constructor")
      };`,
      principal: uid('User', '__proto__'),
      entities: [
        entity('User', '__proto__', [
          ['__proto__', 'x'],
          ['constructor', 1],
        ]),
      ],
      context: [['__proto__', 5]],
    }),
    expected: allow(['policy0']),
  },
  {
    name: 'policy ids from an id map, `__proto__` included',
    call: call({
      policies: [
        ['__proto__', 'permit(principal, action, resource);'],
        ['constructor', 'forbid(principal, action, resource) when { context.x };'],
        ['', 'permit(principal, action, resource) when { context has toString };'],
      ],
    }),
    expected: allow(['__proto__'], ['constructor']),
  },
  // --- strings, like, sets, records --------------------------------------------------------
  {
    name: '`like`: `*` matches newlines, `\\*` is a literal star, no normalization',
    call: call({
      policies: `permit(principal, action, resource) when {
        "a\\nb" like "a*b" && "a*b" like "a\\*b" && !("axb" like "a\\*b") && "" like "*" &&
        "e\\u{301}" like "e*" && !("\\u{e9}" like "e*") && !("\\u{1F600}" like "?*") && "\\\\" like "\\\\"
      };`,
    }),
    expected: allow(['policy0']),
  },
  {
    name: 'sets are unordered and deduplicated; records compare by content',
    call: call({
      policies: `permit(principal, action, resource) when {
        [1, 2, 1] == [2, 1] && {a: 1, b: [true]} == {b: [true, true], a: 1} && [[1], [1]] == [[1]] &&
        [1, "a"].containsAll(["a"]) && [1].containsAny([true, 1]) && ![].containsAny([]) && [].containsAll([])
      };`,
    }),
    expected: allow(['policy0']),
  },
  {
    name: 'a bare `{type, id}` in schemaless data is a record, not an entity reference',
    call: call({
      policies: `permit(principal, action, resource) when { principal.owner.type == "User" };
                 forbid(principal, action, resource) when { principal.owner == User::"alice" };`,
      entities: [entity('User', 'alice', [['owner', { type: 'User', id: 'alice' }]])],
    }),
    expected: allow(['policy0']),
  },
  {
    name: 'tags: `hasTag` is false for a missing tag, `getTag` errors',
    call: call({
      policies: `permit(principal, action, resource) when { principal.hasTag("x") && !principal.hasTag("__proto__") };
                 permit(principal, action, resource) when { principal.getTag("constructor") == 1 };`,
      entities: [entity('User', 'alice', [], [], [['x', 1]])],
    }),
    expected: allow(['policy0'], ['policy1']),
  },
  // --- scopes and templates ----------------------------------------------------------------
  {
    name: 'action `in` a list goes through the action hierarchy',
    call: call({
      policies: `permit(principal, action in [Action::"edit", Action::"readOnly"], resource);`,
      entities: [entity('Action', 'view', [], [['Action', 'readOnly']])],
    }),
    expected: allow(['policy0']),
  },
  {
    name: 'template linked on ?principal and ?resource',
    call: call({
      policies: 'forbid(principal, action, resource) when { context.block };',
      templates: [['t0', 'permit(principal in ?principal, action, resource == ?resource);']],
      links: [
        { templateId: 't0', newId: 'link0', values: { '?principal': uid('Group', 'g'), '?resource': DOC } },
        { templateId: 't0', newId: 'link1', values: { '?principal': uid('Group', 'h'), '?resource': DOC } },
      ],
      entities: [entity('User', 'alice', [], [['Group', 'g']])],
      context: [['block', false]],
    }),
    expected: allow(['link0']),
  },
  // --- extensions ----------------------------------------------------------------------------
  {
    name: 'decimal with five places is an evaluation error',
    call: call({
      policies: `permit(principal, action, resource) when { decimal("1.23456") == decimal("1.0") };
                 permit(principal, action, resource) when { decimal("-922337203685477.5808").lessThan(decimal("0.0")) };`,
    }),
    expected: allow(['policy1'], ['policy0']),
  },
  {
    name: 'datetime and duration arithmetic, comparisons and conversions',
    call: call({
      policies: `permit(principal, action, resource) when {
        datetime("2024-01-01").offset(duration("1d")) == datetime("2024-01-02") &&
        duration("1d2h") > duration("25h") &&
        datetime("2024-01-01T12:00:00+0100").toTime() == duration("11h") &&
        datetime("2024-03-01").durationSince(datetime("2024-02-28")).toDays() == 2 &&
        duration("-1d12h").toHours() == -36
      };
      permit(principal, action, resource) when { datetime("9999-12-31T23:59:59.999Z").offset(duration("9223372036854775807ms")) > datetime("2024-01-01") };`,
    }),
    expected: allow(['policy0'], ['policy1']),
  },
  {
    name: 'ip ranges do not mix families; loopback and multicast',
    call: call({
      policies: `permit(principal, action, resource) when {
        ip("10.1.2.3").isInRange(ip("10.0.0.0/8")) && !ip("::1").isInRange(ip("127.0.0.0/8")) &&
        ip("127.0.0.2").isLoopback() && ip("ff02::1").isMulticast() && ip("10.0.0.0/8").isInRange(ip("10.0.0.0/7"))
      };`,
    }),
    expected: allow(['policy0']),
  },
  // --- inputs Cedar rejects ----------------------------------------------------------------
  {
    name: 'a cycle in the entity graph is a failure',
    call: call({
      policies: 'permit(principal, action, resource);',
      entities: [entity('User', 'alice', [], [['Group', 'g']]), entity('Group', 'g', [], [['User', 'alice']])],
    }),
    expected: 'failure',
  },
  {
    name: 'the same uid twice with different content is a failure',
    call: call({
      policies: 'permit(principal, action, resource);',
      entities: [entity('User', 'alice', [['n', 1]]), entity('User', 'alice')],
    }),
    expected: 'failure',
  },
  {
    name: 'an invalid ip in the context is a failure',
    call: call({
      policies: 'permit(principal, action, resource);',
      context: [['ip', { __extn: { fn: 'ip', arg: '::ffff:1.2.3.4' } }]],
    }),
    expected: 'failure',
  },
];

/**
 * Malformed-input regressions: {@link MUTATIONS} applied to one small valid call. Found by the
 * property test (Mandate 2026-11-28: the JSON front end accepted what Cedar rejects, or the
 * reverse).
 */
const MUTATION_BASE = call({
  policies: 'permit(principal, action, resource) when { context has n };',
  entities: [entity('User', 'alice', [['n', 1]], [['Group', 'g']])],
  context: [['n', 1]],
});
function mutationCase(name: string, expected: Expected): RegressionCase {
  const index = MUTATIONS.findIndex(([n]) => n === name);
  if (index < 0) throw new Error(`no mutation named \`${name}\``);
  namedMutations.add(name);
  return { name: `malformed input: ${name}`, call: mutate(MUTATION_BASE, index), expected };
}
const namedMutations = new Set<string>();

CASES.push(
  mutationCase('principal type empty', 'failure'),
  mutationCase('principal type with trailing ::', 'failure'),
  mutationCase('principal type is a reserved word', 'failure'),
  mutationCase('principal type with a space', 'failure'),
  mutationCase('principal type in __cedar', 'failure'),
  mutationCase('principal type with spaces around ::', 'failure'),
  mutationCase('action type with a trailing space', 'failure'),
  mutationCase('entity uid type a reserved word', 'failure'),
  mutationCase('entity with a parent of type ""', 'failure'),
  mutationCase('entity attr an entity of type ""', 'failure'),
  mutationCase('entity attr an entity of type "if"', 'failure'),
  mutationCase('entity without parents', 'failure'),
  mutationCase('entity without attrs', 'failure'),
  mutationCase('entity parents null', 'failure'),
  mutationCase('entity attrs null', 'failure'),
  mutationCase('entity attrs an array', 'failure'),
  mutationCase('entity with tags null', 'failure'),
  mutationCase('entity tags an array', 'failure'),
  mutationCase('action entity with a non-action parent', 'failure'),
  mutationCase('entity attr record with `__expr`', 'failure'),
  mutationCase('entity attr `__entity` a number', allow(['policy0'])),
  mutationCase('entity attr extension without arg', allow(['policy0'])),
  {
    name: 'data: `__extn` with `args` (decimal) and a method call (offset of datetime, duration)',
    call: call({
      policies: `permit(principal, action, resource) when {
        context.d == decimal("1.5") && context.t == datetime("2024-01-01T01:00:00Z")
      };`,
      context: [
        ['d', { __extn: { fn: 'decimal', args: ['1.5'] } }],
        [
          't',
          {
            __extn: {
              fn: 'offset',
              args: [{ __extn: { fn: 'datetime', arg: '2024-01-01' } }, { __extn: { fn: 'duration', arg: '1h' } }],
            },
          },
        ],
      ],
    }),
    expected: allow(['policy0']),
  },
  {
    name: 'data: `{"__entity": {"type": …}}` without an id is an ordinary record',
    call: call({
      policies: 'permit(principal, action, resource) when { context.e.__entity.type == "User" };',
      context: [['e', { __entity: { type: 'User' } }]],
    }),
    expected: allow(['policy0']),
  },
  {
    name: 'data: an integer JS number beyond 2^53 is taken as it is (cedar-wasm reads 2^53 + 2 exactly)',
    call: call({
      policies: 'permit(principal, action, resource) when { context.n == 9007199254740994 };',
      context: [['n', 2 ** 53 + 2]],
    }),
    expected: allow(['policy0']),
  },
);

// Covered, with policies that look at the values, by the `data:` cases above.
for (const name of [
  'context with offset(datetime, duration)',
  'context with decimal via args',
  'context with an entity lacking id',
  'context with 2^53 + 2',
]) {
  namedMutations.add(name);
}

/** `[[…[1]…]]`, `depth` levels deep. */
function nestedSets(depth: number): CedarValueJson {
  let v: CedarValueJson = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

CASES.push(
  {
    name: 'limits: context data nested 126 levels deep is rejected, as cedar-wasm does',
    call: call({ policies: 'permit(principal, action, resource);', context: [['x', nestedSets(126)]] }),
    expected: 'failure',
  },
  {
    name: 'limits: context data nested 125 levels deep is accepted',
    call: call({ policies: 'permit(principal, action, resource);', context: [['x', nestedSets(125)]] }),
    expected: allow(['policy0']),
  },
  {
    name: 'limits: an entity attribute nested 125 levels deep is rejected, as cedar-wasm does',
    call: call({
      policies: 'permit(principal, action, resource);',
      entities: [entity('User', 'alice', [['x', nestedSets(125)]])],
    }),
    expected: 'failure',
  },
  {
    name: 'limits: a chain of 500 `&&` is not too deep for Cedar',
    call: call({ policies: `permit(principal, action, resource) when { ${Array(500).fill('true').join(' && ')} };` }),
    expected: allow(['policy0']),
  },
);

const engine = await loadEngine();
const authorizer =
  engine.Authorizer === undefined ? undefined : authorizerAsIsAuthorized(engine.Authorizer, engine.PolicySet);

describe(`regressions: ${engine.name}`, () => {
  test.each(CASES)('$name', ({ call: c, schema, expected }) => {
    const full: AuthorizationCall = schema === undefined ? c : { ...c, schema };
    const want = verdictOfExpected(expected);
    const fromCedar = toVerdict(oracle(full));
    expect(
      difference(want, fromCedar),
      `the expectation is no longer cedar-wasm's:\n${formatCase(full, fromCedar, want, 'stored')}`,
    ).toBeUndefined();
    const got = judge(engine.isAuthorized, full);
    expect(difference(want, got), formatCase(full, fromCedar, got, engine.name)).toBeUndefined();
    if (authorizer) {
      const viaAuthorizer = judge(authorizer, full);
      expect(
        difference(want, viaAuthorizer),
        formatCase(full, fromCedar, viaAuthorizer, `${engine.name} Authorizer`),
      ).toBeUndefined();
    }
  });

  // The other malformed inputs, judged live against cedar-wasm (no stored expectation needed).
  const otherMutations = MUTATIONS.map(([name], index) => ({ name, index })).filter((m) => !namedMutations.has(m.name));
  test.each(otherMutations)('malformed input agrees with cedar-wasm: $name', ({ index }) => {
    const c = mutate(MUTATION_BASE, index);
    const fromCedar = toVerdict(oracle(c));
    const got = judge(engine.isAuthorized, c);
    expect(difference(fromCedar, got), formatCase(c, fromCedar, got, engine.name)).toBeUndefined();
  });

  test('the schema used by the generators is valid Cedar', () => {
    expect(cedar.checkParseSchema(SCHEMA)).toEqual({ type: 'success' });
  });
});
