/**
 * @module test/semantics/cases/arithmetic
 * Long: signed 64-bit with checked `+`, `-`, `*` and unary `-` (overflow is an evaluation
 * error, never a wrap or a rounding). Literals beyond 2^53 must stay exact. Context and
 * entity values beyond 2^53 arrive as `bigint`: cedar-wasm cannot take them, so those cases
 * are `oracle: false` and their expectations follow Cedar's semantics by hand.
 */
import { allow, type CaseGroup, deny, entity, exprCase, failure, permitWhen, request, uid } from '../types.js';

const I64_MAX = 9223372036854775807n;
const I64_MIN = -9223372036854775808n;

export const arithmetic: CaseGroup = {
  topic: 'Long arithmetic and overflow',
  cases: [
    exprCase('addition', '1 + 2 == 3', 'true'),
    exprCase('subtraction below zero', '3 - 5 == -2', 'true'),
    exprCase('multiplication', '-4 * 5 == -20', 'true'),
    exprCase('double negation', '--1 == 1', 'true'),
    exprCase('unary minus of a parenthesized expression', '-(2 + 3) == -5', 'true'),
    exprCase('i64 max literal', '9223372036854775807 == 9223372036854775806 + 1', 'true'),
    exprCase('i64 min literal', '-9223372036854775808 == -9223372036854775807 - 1', 'true'),
    exprCase('i64 min literal with a space after the minus', '- 9223372036854775808 < 0', 'true'),
    exprCase('max + 1 overflows', '9223372036854775807 + 1 == 0', 'error'),
    exprCase('min - 1 overflows', '-9223372036854775808 - 1 == 0', 'error'),
    exprCase('1 - min overflows', '1 - -9223372036854775808 == 0', 'error'),
    exprCase('2^62 * 2 overflows', '4611686018427387904 * 2 == 0', 'error'),
    exprCase('2^62 * -2 is exactly min', '4611686018427387904 * -2 == -9223372036854775808', 'true'),
    exprCase('min * -1 overflows', '-9223372036854775808 * -1 == 0', 'error'),
    exprCase('-1 * min overflows', '-1 * -9223372036854775808 == 0', 'error'),
    exprCase('negating min overflows', '-(-9223372036854775808) == 0', 'error'),
    exprCase('negating max is fine', '-(9223372036854775807) == -9223372036854775807', 'true'),
    exprCase('sqrt(max) squared fits', '3037000499 * 3037000499 == 9223372030926249001', 'true'),
    exprCase('just over sqrt(max) squared overflows', '3037000500 * 3037000500 == 0', 'error'),
    exprCase('zero times max', '0 * 9223372036854775807 == 0', 'true'),
    exprCase(
      'overflow in an intermediate result is an error even if it would come back',
      '(9223372036854775807 + 1) - 1 == 9223372036854775807',
      'error',
    ),
    exprCase(
      'reordered, the same values do not overflow',
      '(9223372036854775807 - 1) + 1 == 9223372036854775807',
      'true',
    ),
    exprCase('2^53 + 1 is exact', '9007199254740992 + 1 == 9007199254740993', 'true'),
    exprCase('2^53 + 1 differs from 2^53', '9007199254740993 == 9007199254740992', 'false'),
    exprCase('large products stay exact', '1000000007 * 1000000009 == 1000000016000000063', 'true'),
    exprCase('adding a string is a type error', '"a" + "b" == "ab"', 'error'),
    exprCase('adding a boolean is a type error', '1 + true == 2', 'error'),
    exprCase('multiplying a record is a type error', '5 * context == 1', 'error'),
    exprCase('negating a string is a type error', '-"1" == -1', 'error'),
    exprCase('overflow on the short-circuited side is not evaluated', 'false && 9223372036854775807 + 1 == 0', 'false'),
    exprCase('arithmetic on a context Long', 'context.n * 2 + 1 == 85', 'true', { request: { context: { n: 42 } } }),
    exprCase('2^53 - 1 from context is exact', 'context.n + 1 == 9007199254740992', 'true', {
      request: { context: { n: 9007199254740991 } },
    }),
    {
      name: 'integer literal beyond i64 max is a parse error',
      policies: permitWhen('9223372036854775808 == 0'),
      entities: [],
      request: request(),
      expect: failure,
    },
    {
      name: 'integer literal below i64 min is a parse error',
      policies: permitWhen('-9223372036854775809 == 0'),
      entities: [],
      request: request(),
      expect: failure,
    },
    {
      name: 'fractional context number is rejected',
      policies: permitWhen('true'),
      entities: [],
      request: request({ context: { x: 1.5 } }),
      expect: failure,
    },
    {
      name: 'context number beyond i64 (as a JS number) is rejected',
      policies: permitWhen('true'),
      entities: [],
      request: request({ context: { x: 1e19 } }),
      expect: failure,
    },
    // ------------------------------------------------------ beyond 2^53, given as BigInt
    exprCase('context bigint 2^53 + 1 equals its literal', 'context.n == 9007199254740993', 'true', {
      request: { context: { n: 9007199254740993n } },
      oracle: false,
    }),
    exprCase('context bigint 2^53 + 1 differs from 2^53', 'context.n == 9007199254740992', 'false', {
      request: { context: { n: 9007199254740993n } },
      oracle: false,
    }),
    exprCase(
      'context bigint compares exactly',
      'context.n > 9007199254740992 && context.n < 9007199254740994',
      'true',
      {
        request: { context: { n: 9007199254740993n } },
        oracle: false,
      },
    ),
    exprCase('context bigint i64 max + 1 overflows', 'context.n + 1 == 0', 'error', {
      request: { context: { n: I64_MAX } },
      oracle: false,
    }),
    exprCase('context bigint i64 max equals literal max', 'context.n == 9223372036854775807', 'true', {
      request: { context: { n: I64_MAX } },
      oracle: false,
    }),
    exprCase('context bigint i64 min: negation overflows', '-context.n == 0', 'error', {
      request: { context: { n: I64_MIN } },
      oracle: false,
    }),
    exprCase('context bigint i64 min minus one overflows', 'context.n - 1 == 0', 'error', {
      request: { context: { n: I64_MIN } },
      oracle: false,
    }),
    exprCase('context bigint arithmetic stays exact', 'context.n - 1 == 9223372036854775806', 'true', {
      request: { context: { n: I64_MAX } },
      oracle: false,
    }),
    exprCase(
      'context bigint inside a set',
      'context.s.contains(9007199254740993) && !context.s.contains(9007199254740992)',
      'true',
      {
        request: { context: { s: [9007199254740993n, 1] } },
        oracle: false,
      },
    ),
    exprCase('context bigint inside a record', 'context.r.big == 9223372036854775806', 'true', {
      request: { context: { r: { big: 9223372036854775806n } } },
      oracle: false,
    }),
    exprCase('small bigint in context is an ordinary Long', 'context.n == 7', 'true', {
      request: { context: { n: 7n } },
      oracle: false,
    }),
    exprCase(
      'entity attribute bigint is exact',
      'principal.balance == 9007199254740995 && principal.balance != 9007199254740996',
      'true',
      { entities: [entity('User', 'alice', { balance: 9007199254740995n })], oracle: false },
    ),
    {
      name: 'context bigint beyond i64 max is rejected',
      policies: permitWhen('true'),
      entities: [],
      request: request({ context: { n: I64_MAX + 1n } }),
      expect: failure,
      oracle: false,
    },
    {
      name: 'context bigint below i64 min is rejected',
      policies: permitWhen('true'),
      entities: [],
      request: request({ context: { n: I64_MIN - 1n } }),
      expect: failure,
      oracle: false,
    },
    {
      name: 'entity attribute bigint beyond i64 is rejected',
      policies: permitWhen('true'),
      entities: [entity('User', 'alice', { n: 2n ** 64n })],
      request: request(),
      expect: failure,
      oracle: false,
    },
    {
      name: 'schema-typed Long context given as bigint',
      policies: permitWhen('context.n > 9007199254740992'),
      entities: [],
      schema:
        'entity User; entity Photo; action view appliesTo { principal: User, resource: Photo, context: { n: Long } };',
      request: request({ context: { n: 9007199254740993n } }),
      expect: allow('policy0'),
      oracle: false,
    },
    {
      name: 'bigint in a forbid condition: exact comparison decides',
      policies:
        'permit(principal, action, resource);\nforbid(principal, action, resource) when { context.n == 9007199254740992 };',
      entities: [],
      request: request({ context: { n: 9007199254740993n }, principal: uid('User', 'alice') }),
      expect: allow('policy0'),
      oracle: false,
    },
    {
      name: 'bigint in a forbid condition: overflow skips the forbid',
      policies: 'permit(principal, action, resource);\nforbid(principal, action, resource) when { context.n + 1 > 0 };',
      entities: [],
      request: request({ context: { n: I64_MAX } }),
      expect: { ...allow('policy0'), errors: ['policy1'] },
      oracle: false,
    },
    {
      name: 'deny stays deny when the only permit overflows',
      policies: permitWhen('context.n * 2 > 0'),
      entities: [],
      request: request({ context: { n: 4611686018427387904n } }),
      expect: { ...deny(), errors: ['policy0'] },
      oracle: false,
    },
  ],
};
