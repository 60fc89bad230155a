/**
 * @module test/semantics/cases/sets
 * Sets: deduplicated and unordered; `contains`, `containsAll`, `containsAny`, `isEmpty` by
 * Cedar value equality (sets, records, entities and extension values as members); type
 * errors on non-set receivers and arguments; errors inside set literals.
 */
import { type CaseGroup, entity, exprCase, uid } from '../types.js';

const entities = [entity('User', 'alice', { roles: ['admin', 'dev'], groups: [{ __entity: uid('Group', 'a') }] })];

export const sets: CaseGroup = {
  topic: 'sets',
  cases: [
    exprCase('contains a member', '[1, 2, 3].contains(2)', 'true'),
    exprCase('does not contain a non-member', '[1, 2, 3].contains(4)', 'false'),
    exprCase('contains compares by type: Long is not String', '[1].contains("1")', 'false'),
    exprCase('empty set contains nothing', '[].contains(1)', 'false'),
    exprCase('contains a set member regardless of order', '[[1, 2]].contains([2, 1])', 'true'),
    exprCase('contains a record member regardless of key order', '[{a: 1, b: 2}].contains({b: 2, a: 1})', 'true'),
    exprCase('contains an entity', '[User::"bob", principal].contains(User::"alice")', 'true'),
    exprCase('contains: entity type matters', '[User::"alice"].contains(Admin::"alice")', 'false'),
    exprCase('contains a decimal by value', '[decimal("1.0")].contains(decimal("1.00"))', 'true'),
    exprCase('contains an ipaddr by value', '[ip("10.0.0.1")].contains(ip("10.0.0.1/32"))', 'true'),
    exprCase('contains a duration by value', '[duration("1h")].contains(duration("60m"))', 'true'),
    exprCase('heterogeneous set', '[1, "a", true, User::"x"].contains(true)', 'true'),
    exprCase('containsAll of a subset', '[1, 2, 3].containsAll([3, 1])', 'true'),
    exprCase('containsAll of a non-subset', '[1, 2, 3].containsAll([1, 4])', 'false'),
    exprCase('containsAll of the empty set', '[1].containsAll([])', 'true'),
    exprCase('empty set containsAll of the empty set', '[].containsAll([])', 'true'),
    exprCase('containsAll with duplicates in the argument', '[1, 2].containsAll([2, 2, 1, 1])', 'true'),
    exprCase('containsAny with overlap', '[1, 2].containsAny([5, 2])', 'true'),
    exprCase('containsAny without overlap', '[1, 2].containsAny([5, 6])', 'false'),
    exprCase('containsAny of the empty set', '[1, 2].containsAny([])', 'false'),
    exprCase('empty set containsAny of the empty set', '[].containsAny([])', 'false'),
    exprCase('isEmpty on the empty set', '[].isEmpty()', 'true'),
    exprCase('isEmpty on a non-empty set', '[1].isEmpty()', 'false'),
    exprCase('isEmpty on a set of duplicates', '[1, 1].isEmpty()', 'false'),
    exprCase('duplicates are removed', '[1, 1, 2] == [1, 2]', 'true'),
    exprCase('context set with JSON duplicates', 'context.s == [2, 1]', 'true', {
      request: { context: { s: [1, 2, 1, 2] } },
    }),
    exprCase('context set of records', 'context.s.contains({k: "v", n: 1})', 'true', {
      request: {
        context: {
          s: [
            { n: 1, k: 'v' },
            { n: 2, k: 'w' },
          ],
        },
      },
    }),
    exprCase('context set of entities', 'context.s.contains(principal)', 'true', {
      request: { context: { s: [{ __entity: uid('User', 'alice') }] } },
    }),
    exprCase('entity attribute set', 'principal.roles.containsAny(["admin", "root"])', 'true', { entities }),
    exprCase('entity attribute set of entities', 'principal.groups.contains(Group::"a")', 'true', { entities }),
    exprCase('empty set from context', 'context.s.isEmpty()', 'true', { request: { context: { s: [] } } }),
    exprCase('contains on a string is a type error', '"abc".contains("a")', 'error'),
    exprCase('isEmpty on a record is a type error', '{}.isEmpty()', 'error'),
    exprCase('containsAll with a non-set argument is a type error', '[1, 2].containsAll(1)', 'error'),
    exprCase('containsAny with a non-set argument is a type error', '[1, 2].containsAny("1")', 'error'),
    exprCase('contains on a missing context attribute errors', 'context.s.contains(1)', 'error'),
    exprCase('an error inside a set literal errors the expression', '[1, 1 + "a"].contains(1)', 'error'),
    exprCase('set literal with computed members', '[1 + 1, 3 - 1].contains(2) && [1 + 1, 3 - 1] == [2]', 'true'),
  ],
};
