/**
 * @module test/semantics/cases/attributes
 * Attribute access `e.a` / `e["a"]`: values from entities, records and context; errors for a
 * missing attribute, a missing entity, and access on non-records; access through
 * entity-valued attributes.
 */
import { type CaseGroup, entity, exprCase, uid } from '../types.js';

const entities = [
  entity('User', 'alice', {
    name: 'alice',
    age: 30,
    'first name': 'Alice',
    manager: { __entity: uid('User', 'bob') },
    ghostManager: { __entity: uid('User', 'ghost') },
    profile: { email: 'a@x' },
    roles: ['admin', 'dev'],
  }),
  entity('User', 'bob', { name: 'bob' }),
];
const opts = { entities };

export const attributes: CaseGroup = {
  topic: 'attribute access',
  cases: [
    exprCase('entity attribute', 'principal.name == "alice"', 'true', opts),
    exprCase('entity Long attribute', 'principal.age == 30', 'true', opts),
    exprCase('bracket access', 'principal["name"] == "alice"', 'true', opts),
    exprCase('bracket access with a space in the name', 'principal["first name"] == "Alice"', 'true', opts),
    exprCase('record attribute inside an entity', 'principal.profile.email == "a@x"', 'true', opts),
    exprCase('set attribute', 'principal.roles.contains("admin")', 'true', opts),
    exprCase('through an entity-valued attribute', 'principal.manager.name == "bob"', 'true', opts),
    exprCase('missing attribute is an error', 'principal.email == "x"', 'error', opts),
    exprCase('missing attribute error is not masked by !=', 'principal.email != "x"', 'error', opts),
    exprCase('missing nested attribute is an error', 'principal.profile.phone == "x"', 'error', opts),
    exprCase('attribute of a missing entity is an error', 'User::"ghost".name == "x"', 'error', opts),
    exprCase('attribute of a missing principal is an error', 'principal.name == "x"', 'error', {
      request: { principal: uid('User', 'ghost') },
    }),
    exprCase(
      'attribute of a missing entity reached through an attribute',
      'principal.ghostManager.name == "x"',
      'error',
      opts,
    ),
    exprCase(
      'entity-valued attribute itself is fine when its target is missing',
      'principal.ghostManager == User::"ghost"',
      'true',
      opts,
    ),
    exprCase('attribute of a Long is a type error', 'principal.age.value == 1', 'error', opts),
    exprCase('attribute of a string is a type error', 'principal.name.length == 5', 'error', opts),
    exprCase('attribute of a set is a type error', 'principal.roles.first == "admin"', 'error', opts),
    exprCase('record literal access', '{a: {b: 2}}.a.b == 2', 'true'),
    exprCase('record literal missing key', '{a: 1}.b == 1', 'error'),
    exprCase('context attribute', 'context.ip == "10.0.0.1"', 'true', { request: { context: { ip: '10.0.0.1' } } }),
    exprCase('missing context attribute is an error', 'context.ip == "10.0.0.1"', 'error'),
    exprCase('attribute access is case sensitive', 'principal.Name == "alice"', 'error', opts),
    exprCase('action entity attributes', 'action.risk == "low"', 'true', {
      entities: [entity('Action', 'view', { risk: 'low' })],
    }),
    exprCase('resource entity attributes', 'resource.owner == principal', 'true', {
      entities: [entity('Photo', 'p1', { owner: { __entity: uid('User', 'alice') } })],
    }),
    exprCase(
      'an error in one comparison operand poisons the whole expression',
      'principal.email == "x" || true',
      'error',
      opts,
    ),
  ],
};
