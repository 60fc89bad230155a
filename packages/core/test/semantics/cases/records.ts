/**
 * @module test/semantics/cases/records
 * Records: literals, access, `has`, equality; keys that are JavaScript's own property names
 * (`__proto__`, `constructor`, `toString`, `hasOwnProperty`) are ordinary data and must be
 * present only when written; keys that are Cedar reserved words need the bracket form.
 */
import { type CaseGroup, entity, exprCase, failure, ownKeys, permitWhen, request } from '../types.js';

export const records: CaseGroup = {
  topic: 'records',
  cases: [
    exprCase('literal access', '{a: 1, b: "x"}.b == "x"', 'true'),
    exprCase('nested literal access', '{a: {b: {c: true}}}.a.b.c', 'true'),
    exprCase('bracket access on a literal', '{"a b": 1}["a b"] == 1', 'true'),
    exprCase('computed values', '{a: 1 + 1}.a == 2', 'true'),
    exprCase('error in a value errors the record', '{a: 1, b: 1 + "x"}.a == 1', 'error'),
    exprCase('__proto__ key written in the literal is present', '{"__proto__": 1} has __proto__', 'true'),
    exprCase('__proto__ key written in the literal holds its value', '{"__proto__": 1}.__proto__ == 1', 'true'),
    exprCase('__proto__ key not written is absent', '{} has "__proto__"', 'false'),
    exprCase('constructor key not written is absent', '{} has constructor', 'false'),
    exprCase('toString key not written is absent', '{a: 1} has toString', 'false'),
    exprCase('hasOwnProperty key not written is absent', '{} has hasOwnProperty', 'false'),
    exprCase('accessing an absent constructor key is an error', '{a: 1}.constructor == 1', 'error'),
    exprCase('constructor key as data', '{constructor: 1}.constructor == 1', 'true'),
    exprCase('toString key as data', '{toString: "x"}.toString == "x"', 'true'),
    exprCase('records with __proto__ keys compare as data', '{"__proto__": 1} == {"__proto__": 1}', 'true'),
    exprCase('a __proto__ key makes a record differ from the empty one', '{"__proto__": 1} == {}', 'false'),
    exprCase('__proto__ key in context is present', 'context has __proto__ && context.__proto__ == "x"', 'true', {
      request: { context: ownKeys([['__proto__', 'x']]) },
    }),
    exprCase('__proto__ key absent from context', 'context has __proto__', 'false'),
    exprCase('constructor absent from context', 'context has constructor', 'false'),
    exprCase('valueOf absent from context: access errors', 'context.valueOf == 1', 'error'),
    exprCase('__proto__ record in context equals a literal', 'context.r == {"__proto__": {admin: true}}', 'true', {
      request: { context: { r: ownKeys([['__proto__', { admin: true }]]) } },
    }),
    exprCase('a __proto__ record does not lend its keys to the outer record', 'context.r has admin', 'false', {
      request: { context: { r: ownKeys([['__proto__', { admin: true }]]) } },
    }),
    exprCase(
      'entity attribute record with a __proto__ key',
      'principal.profile has __proto__ && !(principal.profile has admin)',
      'true',
      {
        entities: [entity('User', 'alice', { profile: ownKeys([['__proto__', { admin: true }]]) })],
      },
    ),
    exprCase('reserved word as key, bracket access', '{"if": 1}["if"] == 1', 'true'),
    exprCase('key "a.b" is one key, not a path', 'context has "a.b" && !(context has a)', 'true', {
      request: { context: { 'a.b': 1 } },
    }),
    {
      name: 'reserved word as an attribute identifier is a parse error',
      policies: permitWhen('{"if": 1}.if == 1'),
      entities: [],
      request: request(),
      expect: failure,
    },
    {
      name: 'duplicate key in a record literal is a parse error',
      policies: permitWhen('{a: 1, a: 2} == {a: 2}'),
      entities: [],
      request: request(),
      expect: failure,
    },
    {
      name: 'null inside a context record is rejected',
      policies: permitWhen('true'),
      entities: [],
      request: request({ context: { r: { a: null } } }),
      expect: failure,
    },
  ],
};
