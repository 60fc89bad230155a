/**
 * @module test/semantics/cases/js-hazards
 * Names that are special to JavaScript objects — `__proto__`, `constructor`, `toString`,
 * `hasOwnProperty`, `valueOf` — as entity ids, entity types, action ids, attribute names,
 * context keys and set members. They are data: present only when given, never inherited.
 * Also uid canonicalization (`A::"B::x"` is not `A::B::"x"`) and ids that differ only by
 * Unicode normalization.
 */
import { type CaseGroup, type EntityJson, entity, exprCase, ownKeys, uid } from '../types.js';

const entities: EntityJson[] = [
  entity('User', '__proto__', { name: 'proto' }, [uid('Group', 'constructor')]),
  entity('Group', 'constructor', {}, [uid('Group', '__proto__')]),
  entity('Group', '__proto__'),
  entity('User', 'valueOf', {}, [uid('Group', 'hasOwnProperty')]),
  entity(
    'User',
    'alice',
    ownKeys([
      ['__proto__', { admin: true }],
      ['constructor', 1],
      ['toString', 'str'],
      ['hasOwnProperty', false],
    ]),
  ),
  entity('User', 'carol', {}),
  entity('User', '', { name: 'empty' }),
  entity('A', 'B::x', { which: 'quoted' }),
  entity('A::B', 'x', { which: 'namespaced' }),
  entity('User', '\u00e9', { form: 'NFC' }),
  entity('User', 'e\u0301', { form: 'NFD' }),
  entity('Action', '__proto__', {}, [uid('Action', 'constructor')]),
  entity('Action', 'constructor'),
];
const opts = { entities };
const as = (type: string, id: string) => ({ entities, request: { principal: uid(type, id) } });

export const jsHazards: CaseGroup = {
  topic: 'JS hazards',
  cases: [
    exprCase(
      'principal id __proto__ is an ordinary entity',
      'principal.name == "proto"',
      'true',
      as('User', '__proto__'),
    ),
    exprCase('__proto__ id: == its literal', 'principal == User::"__proto__"', 'true', as('User', '__proto__')),
    exprCase(
      '__proto__ id: in parent constructor and grandparent __proto__',
      'principal in Group::"constructor" && principal in Group::"__proto__"',
      'true',
      as('User', '__proto__'),
    ),
    exprCase(
      'Group::"__proto__" is not in Group::"constructor"',
      'Group::"__proto__" in Group::"constructor"',
      'false',
      opts,
    ),
    exprCase(
      'absent id constructor: attribute access errors',
      'principal.name == "x"',
      'error',
      as('User', 'constructor'),
    ),
    exprCase('absent id toString: has is false', 'principal has name', 'false', as('User', 'toString')),
    exprCase(
      'absent id hasOwnProperty: in is false',
      'principal in Group::"__proto__"',
      'false',
      as('User', 'hasOwnProperty'),
    ),
    exprCase(
      'absent id constructor: reflexive in',
      'principal in User::"constructor"',
      'true',
      as('User', 'constructor'),
    ),
    exprCase(
      'parent id hasOwnProperty that is not stored',
      'principal in Group::"hasOwnProperty"',
      'true',
      as('User', 'valueOf'),
    ),
    exprCase(
      'entity type named __proto__',
      'principal is __proto__ && principal == __proto__::"x"',
      'true',
      as('__proto__', 'x'),
    ),
    exprCase('entity type named constructor is not User', 'principal is User', 'false', as('constructor', 'alice')),
    exprCase(
      'attribute __proto__ present as data',
      'principal has __proto__ && principal.__proto__ == {admin: true}',
      'true',
      as('User', 'alice'),
    ),
    exprCase('attribute __proto__ does not leak its keys', 'principal has admin', 'false', as('User', 'alice')),
    exprCase(
      'attributes constructor, toString, hasOwnProperty present as data',
      'principal.constructor == 1 && principal.toString == "str" && principal.hasOwnProperty == false',
      'true',
      as('User', 'alice'),
    ),
    exprCase('no inherited attribute: __proto__', 'principal has __proto__', 'false', as('User', 'carol')),
    exprCase('no inherited attribute: constructor', 'principal has constructor', 'false', as('User', 'carol')),
    exprCase('no inherited attribute: toString', 'principal has toString', 'false', as('User', 'carol')),
    exprCase('no inherited attribute: hasOwnProperty', 'principal has hasOwnProperty', 'false', as('User', 'carol')),
    exprCase('no inherited attribute: valueOf access errors', 'principal.valueOf == 1', 'error', as('User', 'carol')),
    exprCase(
      'no inherited attribute: toString access errors',
      'principal.toString == "x"',
      'error',
      as('User', 'carol'),
    ),
    exprCase('context key hasOwnProperty as data', 'context.hasOwnProperty == 1', 'true', {
      request: { context: { hasOwnProperty: 1 } },
    }),
    exprCase(
      'context keys constructor and __proto__ together',
      'context.constructor == "c" && context.__proto__ == "p"',
      'true',
      {
        request: {
          context: ownKeys([
            ['constructor', 'c'],
            ['__proto__', 'p'],
          ]),
        },
      },
    ),
    exprCase(
      'set of strings containing __proto__',
      'context.s.contains("__proto__") && !context.s.contains("constructor")',
      'true',
      {
        request: { context: { s: ['__proto__', 'x'] } },
      },
    ),
    exprCase(
      'action id __proto__ in action group constructor',
      'action == Action::"__proto__" && action in Action::"constructor"',
      'true',
      {
        entities,
        request: { action: uid('Action', '__proto__') },
      },
    ),
    exprCase('action id toString is absent: not in a group', 'action in Action::"constructor"', 'false', {
      entities,
      request: { action: uid('Action', 'toString') },
    }),
    exprCase('empty entity id', 'principal == User::"" && principal.name == "empty"', 'true', as('User', '')),
    exprCase('A::"B::x" is its own entity', 'principal.which == "quoted"', 'true', as('A', 'B::x')),
    exprCase('A::B::"x" is its own entity', 'principal.which == "namespaced"', 'true', as('A::B', 'x')),
    exprCase('A::"B::x" differs from A::B::"x"', 'A::"B::x" == A::B::"x"', 'false', opts),
    exprCase('A::"B::\\"x\\"" is absent', 'principal has which', 'false', as('A', 'B::"x"')),
    exprCase('NFC id is its own entity', 'principal.form == "NFC"', 'true', as('User', '\u00e9')),
    exprCase('NFD id is its own entity', 'principal.form == "NFD"', 'true', as('User', 'e\u0301')),
    exprCase('NFC and NFD uids are not equal', 'User::"\\u{e9}" == User::"e\\u{301}"', 'false', opts),
  ],
};
