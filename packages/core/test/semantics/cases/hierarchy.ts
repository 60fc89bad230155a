/**
 * @module test/semantics/cases/hierarchy
 * `in` inside conditions: transitive ancestry, reflexivity (even for entities not in the
 * store), missing entities (false, not an error), sets on the right, type errors, ancestry
 * through parents that are not themselves in the store, diamonds, and `is … in`.
 */
import { type CaseGroup, entity, exprCase, uid } from '../types.js';

const entities = [
  entity('User', 'alice', { boss: { __entity: uid('User', 'bob') }, bossRecord: uid('User', 'bob') }, [
    uid('Group', 'eng'),
    uid('Group', 'oncall'),
  ]),
  entity('User', 'bob', {}, [uid('Group', 'ghostgroup')]),
  entity('Group', 'eng', {}, [uid('Group', 'rnd')]),
  entity('Group', 'oncall', {}, [uid('Group', 'rnd')]),
  entity('Group', 'rnd', {}, [uid('Org', 'acme')]),
  entity('Org', 'acme'),
  entity('Group', 'island'),
  entity('Photo', 'p1', {}, [uid('User', 'alice')]),
];
const opts = { entities };

export const hierarchy: CaseGroup = {
  topic: 'hierarchy in',
  cases: [
    exprCase('direct parent', 'principal in Group::"eng"', 'true', opts),
    exprCase('grandparent', 'principal in Group::"rnd"', 'true', opts),
    exprCase('great-grandparent of another type', 'principal in Org::"acme"', 'true', opts),
    exprCase(
      'diamond: reachable through two paths',
      'principal in Group::"rnd" && principal in Group::"oncall"',
      'true',
      opts,
    ),
    exprCase('unrelated group', 'principal in Group::"island"', 'false', opts),
    exprCase('ancestry is not symmetric', 'Group::"rnd" in principal', 'false', opts),
    exprCase('reflexive for a stored entity', 'principal in principal', 'true', opts),
    exprCase('reflexive for an entity that is not stored', 'User::"ghost" in User::"ghost"', 'true', opts),
    exprCase(
      'missing entity on the left is in nothing else (no error)',
      'User::"ghost" in Group::"eng"',
      'false',
      opts,
    ),
    exprCase('missing entity on the right: false', 'principal in Group::"nope"', 'false', opts),
    exprCase('a declared parent that is not stored still counts', 'User::"bob" in Group::"ghostgroup"', 'true', opts),
    exprCase('same id, different type is not reflexive', 'User::"eng" in Group::"eng"', 'false', opts),
    exprCase('resource in its owner user (mixed types)', 'resource in principal', 'true', opts),
    exprCase("resource in the owner user's ancestors", 'resource in Org::"acme"', 'true', opts),
    exprCase('in a set: one member matches', 'principal in [Group::"island", Group::"rnd"]', 'true', opts),
    exprCase('in a set: none match', 'principal in [Group::"island", Org::"other"]', 'false', opts),
    exprCase('in a set: containing itself', 'principal in [User::"alice"]', 'true', opts),
    exprCase('in an empty set', 'principal in []', 'false', opts),
    exprCase('in a set from context', 'principal in context.groups', 'true', {
      entities,
      request: { context: { groups: [{ __entity: uid('Group', 'island') }, { __entity: uid('Org', 'acme') }] } },
    }),
    exprCase('in a set containing a non-entity is a type error', 'principal in [Group::"island", 1]', 'error', opts),
    exprCase('in a Long is a type error', 'principal in 1', 'error', opts),
    exprCase('in a string is a type error', 'principal in "Group::\\"eng\\""', 'error', opts),
    exprCase('Long on the left is a type error', '1 in Group::"eng"', 'error', opts),
    exprCase('record on the left is a type error', '{} in [Group::"eng"]', 'error', opts),
    exprCase('in through an entity-valued attribute', 'principal.boss in Group::"ghostgroup"', 'true', opts),
    exprCase(
      'without a schema, {type, id} is a record, not an entity: in is a type error',
      'principal.bossRecord in Group::"ghostgroup"',
      'error',
      opts,
    ),
    exprCase('is … in: matches', 'principal is User in Org::"acme"', 'true', opts),
    exprCase('is … in: wrong type', 'principal is Group in Org::"acme"', 'false', opts),
    exprCase('is … in: not a member', 'principal is User in Group::"island"', 'false', opts),
    exprCase('is … in a set', 'principal is User in [Group::"island", Group::"eng"]', 'true', opts),
    exprCase('is on a non-entity is a type error', '1 is User', 'error', opts),
    exprCase('is … in: wrong type short-circuits a bad right operand', 'principal is Group in 1', 'false', opts),
    exprCase('is … in: right type, bad right operand errors', 'principal is User in 1', 'error', opts),
    exprCase('is in conditions on a missing entity', 'User::"ghost" is User', 'true', opts),
    exprCase('long chain is traversed', 'User::"n0" in Group::"n39"', 'true', {
      entities: [
        entity('User', 'n0', {}, [uid('Group', 'n1')]),
        ...Array.from({ length: 39 }, (_, i) =>
          entity('Group', `n${i + 1}`, {}, i + 2 <= 39 ? [uid('Group', `n${i + 2}`)] : []),
        ),
      ],
      request: { principal: uid('User', 'n0') },
    }),
    exprCase('action in its group from the entities', 'action in Action::"readAll"', 'true', {
      entities: [entity('Action', 'view', {}, [uid('Action', 'readAll')]), entity('Action', 'readAll')],
    }),
    exprCase('action in group: action not stored', 'action in Action::"readAll"', 'false', {
      entities: [entity('Action', 'readAll')],
    }),
  ],
};
