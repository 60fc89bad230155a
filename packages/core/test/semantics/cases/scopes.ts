/**
 * @module test/semantics/cases/scopes
 * Policy scopes: `==`, `in`, `is`, `is … in` on principal and resource; action `==`, action
 * lists and action groups (hierarchy through action entities).
 */
import { allow, type CaseGroup, deny, entity, request, type SemanticCase, uid } from '../types.js';

const entities = [
  entity('User', 'alice', {}, [uid('Group', 'eng')]),
  entity('User', 'bob', {}, []),
  entity('Group', 'eng', {}, [uid('Group', 'all')]),
  entity('Group', 'all'),
  entity('Photo', 'p1', {}, [uid('Album', 'trip')]),
  entity('Album', 'trip', {}, [uid('Album', 'root')]),
  entity('Album', 'root'),
  entity('Action', 'view', {}, [uid('Action', 'read')]),
  entity('Action', 'read', {}, [uid('Action', 'any')]),
  entity('Action', 'any'),
  entity('Action', 'edit', {}, [uid('Action', 'write')]),
  entity('Action', 'write'),
];

const scope = (name: string, policy: string, decision: 'allow' | 'deny', over = {}): SemanticCase => ({
  name,
  policies: policy,
  entities,
  request: request(over),
  expect: decision === 'allow' ? allow('policy0') : deny(),
});

export const scopes: CaseGroup = {
  topic: 'scopes',
  cases: [
    scope('unconstrained scope allows everything', 'permit(principal, action, resource);', 'allow'),
    scope('principal == matching uid', 'permit(principal == User::"alice", action, resource);', 'allow'),
    scope('principal == other uid', 'permit(principal == User::"bob", action, resource);', 'deny'),
    scope('principal == same id other type', 'permit(principal == Admin::"alice", action, resource);', 'deny'),
    scope('principal == is case sensitive on ids', 'permit(principal == User::"Alice", action, resource);', 'deny'),
    scope('principal in direct parent', 'permit(principal in Group::"eng", action, resource);', 'allow'),
    scope('principal in transitive ancestor', 'permit(principal in Group::"all", action, resource);', 'allow'),
    scope('principal in itself (reflexive)', 'permit(principal in User::"alice", action, resource);', 'allow'),
    scope('principal in unrelated group', 'permit(principal in Group::"ops", action, resource);', 'deny'),
    scope(
      'principal in: principal missing from entities, reflexive',
      'permit(principal in User::"ghost", action, resource);',
      'allow',
      {
        principal: uid('User', 'ghost'),
      },
    ),
    scope(
      'principal in: principal missing from entities, other group',
      'permit(principal in Group::"eng", action, resource);',
      'deny',
      {
        principal: uid('User', 'ghost'),
      },
    ),
    scope('principal is matching type', 'permit(principal is User, action, resource);', 'allow'),
    scope('principal is other type', 'permit(principal is Group, action, resource);', 'deny'),
    scope(
      'principal is does not match namespaced type with same basename',
      'permit(principal is Ns::User, action, resource);',
      'deny',
    ),
    scope('principal is namespaced type matches', 'permit(principal is Ns::User, action, resource);', 'allow', {
      principal: uid('Ns::User', 'alice'),
    }),
    scope('principal is … in ancestor', 'permit(principal is User in Group::"all", action, resource);', 'allow'),
    scope(
      'principal is … in: right type, not a member',
      'permit(principal is User in Group::"ops", action, resource);',
      'deny',
    ),
    scope(
      'principal is … in: member, wrong type',
      'permit(principal is Group in Group::"all", action, resource);',
      'deny',
    ),
    scope('principal is … in itself', 'permit(principal is User in User::"alice", action, resource);', 'allow'),
    scope('resource == matching', 'permit(principal, action, resource == Photo::"p1");', 'allow'),
    scope('resource == other', 'permit(principal, action, resource == Photo::"p2");', 'deny'),
    scope('resource in album', 'permit(principal, action, resource in Album::"trip");', 'allow'),
    scope('resource in transitive album', 'permit(principal, action, resource in Album::"root");', 'allow'),
    scope('resource is Photo', 'permit(principal, action, resource is Photo);', 'allow'),
    scope('resource is Album', 'permit(principal, action, resource is Album);', 'deny'),
    scope('resource is … in', 'permit(principal, action, resource is Photo in Album::"root");', 'allow'),
    scope(
      'resource in: resource missing from entities',
      'permit(principal, action, resource in Album::"trip");',
      'deny',
      {
        resource: uid('Photo', 'nope'),
      },
    ),
    scope('action == matching', 'permit(principal, action == Action::"view", resource);', 'allow'),
    scope('action == other', 'permit(principal, action == Action::"edit", resource);', 'deny'),
    scope('action == other namespace', 'permit(principal, action == Ns::Action::"view", resource);', 'deny'),
    scope(
      'action in list containing it',
      'permit(principal, action in [Action::"edit", Action::"view"], resource);',
      'allow',
    ),
    scope(
      'action in list not containing it',
      'permit(principal, action in [Action::"edit", Action::"write"], resource);',
      'deny',
    ),
    scope('action in empty list', 'permit(principal, action in [], resource);', 'deny'),
    scope('action in group (direct)', 'permit(principal, action in Action::"read", resource);', 'allow'),
    scope('action in group (transitive)', 'permit(principal, action in Action::"any", resource);', 'allow'),
    scope('action in other group', 'permit(principal, action in Action::"write", resource);', 'deny'),
    scope(
      'action in list of groups',
      'permit(principal, action in [Action::"write", Action::"any"], resource);',
      'allow',
    ),
    scope('action in itself', 'permit(principal, action in Action::"view", resource);', 'allow'),
    scope('action in group: action entity absent', 'permit(principal, action in Action::"read", resource);', 'deny', {
      action: uid('Action', 'share'),
    }),
    scope(
      'all three scopes must match',
      'permit(principal in Group::"eng", action in Action::"read", resource in Album::"trip");',
      'allow',
    ),
    scope(
      'one non-matching scope denies',
      'permit(principal in Group::"eng", action in Action::"write", resource in Album::"trip");',
      'deny',
    ),
    scope(
      'scope with condition both hold',
      'permit(principal == User::"alice", action, resource) when { true };',
      'allow',
    ),
    // Uids that print alike must never share an index slot.
    scope(
      'principal == A::"B::x" does not match A::B::"x"',
      'permit(principal == A::"B::x", action, resource);',
      'deny',
      {
        principal: uid('A::B', 'x'),
      },
    ),
    scope(
      'principal == A::B::"x" does not match A::"B::x"',
      'permit(principal == A::B::"x", action, resource);',
      'deny',
      {
        principal: uid('A', 'B::x'),
      },
    ),
    scope('principal == with a quote in the id', 'permit(principal == User::"a\\"b", action, resource);', 'allow', {
      principal: uid('User', 'a"b'),
    }),
    scope(
      'principal == with a backslash in the id',
      'permit(principal == User::"a\\\\b", action, resource);',
      'allow',
      {
        principal: uid('User', 'a\\b'),
      },
    ),
    scope('resource in: the type is part of the uid', 'permit(principal, action, resource in Photo::"trip");', 'deny'),
    scope(
      'action == matches only its namespace',
      'permit(principal, action == Ns::Action::"view", resource);',
      'allow',
      {
        action: uid('Ns::Action', 'view'),
      },
    ),
    scope(
      'action in a list across namespaces',
      'permit(principal, action in [Ns::Action::"view", Action::"edit"], resource);',
      'deny',
    ),
    scope(
      "principal in a group matching the principal's id but not its type",
      'permit(principal in Group::"alice", action, resource);',
      'deny',
    ),
    {
      name: 'forbid scope applies only to its principal',
      policies: 'permit(principal, action, resource);\nforbid(principal == User::"bob", action, resource);',
      entities,
      request: request(),
      expect: allow('policy0'),
    },
    {
      name: 'forbid scope on group denies its member',
      policies: 'permit(principal, action, resource);\nforbid(principal in Group::"all", action, resource);',
      entities,
      request: request(),
      expect: deny('policy1'),
    },
  ],
};
