/**
 * @module test/semantics/cases/equality
 * `==` and `!=` across every pair of types: values of different types are unequal (never an
 * error), sets compare unordered and deduplicated, records by key set and values, entities by
 * uid only, extension values by value, strings byte-exact (no normalization).
 */
import { type CaseGroup, entity, exprCase, uid } from '../types.js';

const entities = [entity('User', 'alice', { name: 'alice', n: 1 }), entity('User', 'bob', { name: 'alice', n: 1 })];

export const equality: CaseGroup = {
  topic: 'equality',
  cases: [
    exprCase('Long == Long', '1 == 1', 'true'),
    exprCase('Long == other Long', '1 == 2', 'false'),
    exprCase('Long == String of same digits is false, not an error', '1 == "1"', 'false'),
    exprCase('Bool == Long is false', 'true == 1', 'false'),
    exprCase('Bool == String is false', 'false == "false"', 'false'),
    exprCase('String == entity with that id is false', '"alice" == User::"alice"', 'false'),
    exprCase('Long == Set is false', '1 == [1]', 'false'),
    exprCase('Record == Set is false', '{} == []', 'false'),
    exprCase('Long == decimal is false', '1 == decimal("1.0")', 'false'),
    exprCase('String == ipaddr is false', '"10.0.0.1" == ip("10.0.0.1")', 'false'),
    exprCase('datetime == duration is false', 'datetime("1970-01-01") == duration("0ms")', 'false'),
    exprCase('!= across types is true', '1 != "1"', 'true'),
    exprCase('strings compare exactly', '"abc" == "abc"', 'true'),
    exprCase('strings: case matters', '"abc" == "ABC"', 'false'),
    exprCase('strings: trailing space matters', '"abc" == "abc "', 'false'),
    exprCase('strings: no unicode normalization (NFC vs NFD)', '"\\u{e9}" == "e\\u{301}"', 'false'),
    exprCase('strings: escapes denote the same string', '"\\u{41}" == "A"', 'true'),
    exprCase('strings: empty string', '"" == ""', 'true'),
    exprCase('entities: same uid', 'principal == User::"alice"', 'true'),
    exprCase('entities: same id, different type', 'User::"alice" == Admin::"alice"', 'false'),
    exprCase('entities: namespaced type differs from bare type', 'User::"alice" == Ns::User::"alice"', 'false'),
    exprCase('entities: equal uids are equal regardless of attributes', 'User::"alice" != User::"bob"', 'true', {
      entities,
    }),
    exprCase('entities: equality does not need the entity to exist', 'User::"ghost" == User::"ghost"', 'true'),
    exprCase(
      'entities: the request principal equals its literal even when absent',
      'principal == User::"alice"',
      'true',
    ),
    exprCase('sets: order does not matter', '[1, 2, 3] == [3, 2, 1]', 'true'),
    exprCase('sets: duplicates do not matter', '[1, 1, 2] == [2, 1]', 'true'),
    exprCase('sets: different members', '[1, 2] == [1, 3]', 'false'),
    exprCase('sets: subset is not equal', '[1] == [1, 2]', 'false'),
    exprCase('sets: empty sets equal', '[] == []', 'true'),
    exprCase('sets: nested sets compare as sets', '[[1, 2], [3]] == [[3], [2, 1]]', 'true'),
    exprCase('sets: mixed types', '[1, "1", true] == [true, "1", 1]', 'true'),
    exprCase('sets: Long 1 and String "1" are distinct members', '[1, "1"] == [1]', 'false'),
    exprCase('sets: of entities', '[User::"a", User::"b"] == [User::"b", User::"a", User::"a"]', 'true'),
    exprCase('sets: of decimals dedup by value', '[decimal("1.0"), decimal("1.00")] == [decimal("1.0")]', 'true'),
    exprCase('records: key order does not matter', '{a: 1, b: 2} == {b: 2, a: 1}', 'true'),
    exprCase('records: extra key', '{a: 1} == {a: 1, b: 2}', 'false'),
    exprCase('records: different value', '{a: 1} == {a: 2}', 'false'),
    exprCase('records: value of a different type', '{a: 1} == {a: "1"}', 'false'),
    exprCase('records: empty', '{} == {}', 'true'),
    exprCase('records: nested with sets', '{a: {b: [1, 2]}} == {a: {b: [2, 1]}}', 'true'),
    exprCase('records: quoted keys', '{"a b": 1} == {"a b": 1}', 'true'),
    exprCase('decimal: equal values with different scale', 'decimal("1.0") == decimal("1.0000")', 'true'),
    exprCase('decimal: different values', 'decimal("1.0001") == decimal("1.0")', 'false'),
    exprCase('decimal: negative zero equals zero', 'decimal("-0.0") == decimal("0.0")', 'true'),
    exprCase('ipaddr: same address', 'ip("10.0.0.1") == ip("10.0.0.1")', 'true'),
    exprCase('ipaddr: host equals its /32', 'ip("10.0.0.1") == ip("10.0.0.1/32")', 'true'),
    exprCase('ipaddr: different prefix lengths are different values', 'ip("10.0.0.0/8") == ip("10.0.0.0/16")', 'false'),
    exprCase('ipaddr: IPv6 textual forms of one address', 'ip("::1") == ip("0:0:0:0:0:0:0:1")', 'true'),
    exprCase('ipaddr: IPv4 and IPv4-mapped IPv6 differ', 'ip("1.2.3.4") == ip("::ffff:102:304")', 'false'),
    exprCase(
      'datetime: same instant in different offsets',
      'datetime("2024-01-01T01:00:00+0100") == datetime("2024-01-01T00:00:00Z")',
      'true',
    ),
    exprCase(
      'datetime: date equals its midnight',
      'datetime("2024-01-01") == datetime("2024-01-01T00:00:00Z")',
      'true',
    ),
    exprCase(
      'datetime: millisecond difference',
      'datetime("2024-01-01T00:00:00.001Z") == datetime("2024-01-01T00:00:00Z")',
      'false',
    ),
    exprCase('duration: equal in different units', 'duration("1h") == duration("60m")', 'true'),
    exprCase('duration: compound equals simple', 'duration("1d2h") == duration("26h")', 'true'),
    exprCase('context record equals literal record', 'context == {x: 1, s: [2, 1]}', 'true', {
      request: { context: { x: 1, s: [1, 2] } },
    }),
    exprCase('context entity reference equals principal', 'context.who == principal', 'true', {
      request: { context: { who: { __entity: uid('User', 'alice') } } },
    }),
  ],
};
