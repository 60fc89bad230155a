/**
 * @module test/semantics/cases/has
 * `has`: present and absent attributes on entities, records and context; nested
 * `has a.b.c`; a missing entity has nothing (false, not an error); `has` on a value that is
 * neither an entity nor a record is a type error.
 */
import { type CaseGroup, entity, exprCase, uid } from '../types.js';

const entities = [
  entity('User', 'alice', {
    name: 'alice',
    'first name': 'Alice',
    profile: { address: { city: 'Paris', zip: '75001' }, email: 'a@x' },
    flag: false,
    manager: { __entity: uid('User', 'bob') },
  }),
  entity('User', 'bob', { name: 'bob' }),
];
const opts = { entities };

export const has: CaseGroup = {
  topic: 'has',
  cases: [
    exprCase('present attribute', 'principal has name', 'true', opts),
    exprCase('absent attribute', 'principal has age', 'false', opts),
    exprCase('attribute whose value is false is still present', 'principal has flag', 'true', opts),
    exprCase('quoted attribute name with a space', 'principal has "first name"', 'true', opts),
    exprCase('has is case sensitive', 'principal has Name', 'false', opts),
    exprCase('nested has a.b.c present', 'principal has profile.address.city', 'true', opts),
    exprCase('nested has a.b.c: last missing', 'principal has profile.address.country', 'false', opts),
    exprCase('nested has a.b.c: middle missing', 'principal has profile.phone.number', 'false', opts),
    exprCase('nested has a.b.c: first missing', 'principal has settings.theme.color', 'false', opts),
    exprCase('nested has through a string value is a type error', 'principal has name.length', 'error', opts),
    exprCase(
      'nested has guards the access that follows',
      'principal has profile.address.zip && principal.profile.address.zip == "75001"',
      'true',
      opts,
    ),
    exprCase('has guards a missing attribute access', 'principal has age && principal.age > 18', 'false', opts),
    exprCase('missing entity has nothing', 'User::"ghost" has name', 'false', opts),
    exprCase('missing principal has nothing', 'principal has name', 'false', {
      request: { principal: uid('User', 'ghost') },
    }),
    exprCase('has through an entity-valued attribute', 'principal.manager has name', 'true', opts),
    exprCase('has through an entity-valued attribute to a missing entity', 'User::"bob" has manager', 'false', opts),
    exprCase('record literal has', '{a: 1} has a', 'true'),
    exprCase('record literal has not', '{a: 1} has b', 'false'),
    exprCase('empty record has nothing', '{} has a', 'false'),
    exprCase('context has present', 'context has ip', 'true', { request: { context: { ip: '10.0.0.1' } } }),
    exprCase('context has absent', 'context has ip', 'false'),
    exprCase('context nested has', 'context has req.headers.auth', 'true', {
      request: { context: { req: { headers: { auth: 'x' } } } },
    }),
    exprCase('has on a Long is a type error', '1 has a', 'error'),
    exprCase('has on a string is a type error', '"abc" has length', 'error'),
    exprCase('has on a set is a type error', '[1] has a', 'error'),
    exprCase('has on a boolean is a type error', 'true has a', 'error'),
    exprCase('has on an extension value is a type error', 'ip("1.2.3.4") has a', 'error'),
  ],
};
