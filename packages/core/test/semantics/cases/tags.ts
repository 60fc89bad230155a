/**
 * @module test/semantics/cases/tags
 * Entity tags: `hasTag` (false for absent tags and for entities not in the store), `getTag`
 * (an error for an absent tag or entity), tags and attributes as separate namespaces, tag
 * keys that are JavaScript property names, and type errors.
 */
import { type CaseGroup, entity, exprCase, ownKeys, uid } from '../types.js';

const entities = [
  entity('User', 'alice', { level: 3 }, [], {
    dept: 'eng',
    level: 5,
    roles: ['a', 'b'],
    owner: { __entity: uid('User', 'bob') },
    '': 'empty key',
  }),
  entity('User', 'bob', {}, []),
  entity(
    'User',
    'proto',
    {},
    [],
    ownKeys([
      ['__proto__', 'p'],
      ['constructor', 'c'],
    ]),
  ),
];
const opts = { entities };

export const tags: CaseGroup = {
  topic: 'entity tags',
  cases: [
    exprCase('hasTag present', 'principal.hasTag("dept")', 'true', opts),
    exprCase('hasTag absent', 'principal.hasTag("team")', 'false', opts),
    exprCase('getTag value', 'principal.getTag("dept") == "eng"', 'true', opts),
    exprCase('getTag absent is an error', 'principal.getTag("team") == "x"', 'error', opts),
    exprCase('hasTag guards getTag', 'principal.hasTag("team") && principal.getTag("team") == "x"', 'false', opts),
    exprCase('tags and attributes are separate: tag value', 'principal.getTag("level") == 5', 'true', opts),
    exprCase('tags and attributes are separate: attribute value', 'principal.level == 3', 'true', opts),
    exprCase('an attribute is not a tag', 'User::"bob".hasTag("level")', 'false', opts),
    exprCase('a tag is not an attribute', 'principal has dept', 'false', opts),
    exprCase('getTag returning a set', 'principal.getTag("roles").contains("b")', 'true', opts),
    exprCase('getTag returning an entity', 'principal.getTag("owner") == User::"bob"', 'true', opts),
    exprCase('empty tag key', 'principal.hasTag("") && principal.getTag("") == "empty key"', 'true', opts),
    exprCase('tag key computed from context', 'principal.hasTag(context.k)', 'true', {
      entities,
      request: { context: { k: 'dept' } },
    }),
    exprCase('entity without tags: hasTag is false', 'User::"bob".hasTag("dept")', 'false', opts),
    exprCase('entity without tags: getTag errors', 'User::"bob".getTag("dept") == "eng"', 'error', opts),
    exprCase('hasTag on a missing entity is false', 'User::"ghost".hasTag("dept")', 'false', opts),
    exprCase('getTag on a missing entity is an error', 'User::"ghost".getTag("dept") == "eng"', 'error', opts),
    exprCase('__proto__ tag absent', 'principal.hasTag("__proto__")', 'false', opts),
    exprCase('constructor tag absent', 'principal.hasTag("constructor")', 'false', opts),
    exprCase('toString tag absent: getTag errors', 'principal.getTag("toString") == "x"', 'error', opts),
    exprCase(
      '__proto__ and constructor tags present as data',
      'User::"proto".getTag("__proto__") == "p" && User::"proto".getTag("constructor") == "c"',
      'true',
      opts,
    ),
    exprCase('hasTag with a non-string key is a type error', 'principal.hasTag(1)', 'error', opts),
    exprCase('hasTag on a record is a type error', '{dept: "eng"}.hasTag("dept")', 'error', opts),
    exprCase('getTag on a string is a type error', '"x".getTag("dept") == 1', 'error', opts),
  ],
};
