/**
 * @module test/semantics/cases/json-values
 * Cedar's JSON forms for entities, context and uids without a schema: the `__entity` and
 * `__extn` escapes (and objects that merely contain those keys alongside others, which are
 * plain records), uids in either form, and the malformed shapes Cedar refuses.
 */
import {
  allow,
  type CaseGroup,
  type EntityJson,
  type EntityRef,
  entity,
  exprCase,
  failure,
  permitWhen,
  request,
  type SemanticCase,
  uid,
} from '../types.js';

const refused = (name: string, over: Partial<SemanticCase>): SemanticCase => ({
  name,
  policies: permitWhen('true'),
  entities: [],
  request: request(),
  expect: failure,
  ...over,
});
const ctx = (context: SemanticCase['request']['context']) => ({ request: { context } });

export const jsonValues: CaseGroup = {
  topic: 'JSON value forms',
  cases: [
    exprCase(
      '__extn decimal in context',
      'context.d == decimal("1.50")',
      'true',
      ctx({ d: { __extn: { fn: 'decimal', arg: '1.5' } } }),
    ),
    exprCase(
      '__extn ip in context',
      'context.a.isInRange(ip("10.0.0.0/8"))',
      'true',
      ctx({ a: { __extn: { fn: 'ip', arg: '10.9.8.7' } } }),
    ),
    exprCase(
      '__extn datetime in context',
      'context.t.toDate() == datetime("2024-01-01")',
      'true',
      ctx({ t: { __extn: { fn: 'datetime', arg: '2024-01-01T10:00:00Z' } } }),
    ),
    exprCase('__extn duration in an entity attribute', 'principal.ttl.toSeconds() == 90', 'true', {
      entities: [entity('User', 'alice', { ttl: { __extn: { fn: 'duration', arg: '1m30s' } } })],
    }),
    exprCase(
      '__entity in context',
      'context.owner == principal',
      'true',
      ctx({ owner: { __entity: uid('User', 'alice') } }),
    ),
    exprCase('__entity inside a context set', 'principal in context.groups', 'true', {
      entities: [entity('User', 'alice', {}, [uid('Group', 'g')])],
      request: { context: { groups: [{ __entity: uid('Group', 'g') }] } },
    }),
    exprCase(
      'an object with __extn and another key is a plain record',
      'context.d has other && context.d has __extn && context.d != ip("1.2.3.4")',
      'true',
      ctx({ d: { __extn: { fn: 'ip', arg: '1.2.3.4' }, other: 1 } }),
    ),
    exprCase(
      'an object with __entity and another key is a plain record',
      'context.d has other && context.d has __entity && context.d != User::"a"',
      'true',
      ctx({ d: { __entity: uid('User', 'a'), other: 1 } }),
    ),
    exprCase(
      'deeply nested sets and records in context',
      'context.a.contains([{b: true}, 2])',
      'true',
      ctx({ a: [1, [2, { b: true }]] }),
    ),
    {
      name: 'uids and parents in the __entity form',
      policies: 'permit(principal in Group::"g", action, resource) when { principal.a == 1 };',
      entities: [
        { uid: { __entity: uid('User', 'alice') }, attrs: { a: 1 }, parents: [{ __entity: uid('Group', 'g') }] },
      ],
      request: request(),
      expect: allow('policy0'),
    },
    refused('__extn with an unknown function', {
      request: request({ context: { d: { __extn: { fn: 'nope', arg: '1' } } } }),
    }),
    refused('__extn with the type name instead of the constructor', {
      request: request({ context: { d: { __extn: { fn: 'ipaddr', arg: '1.2.3.4' } } } }),
    }),
    refused('__extn with a method name', {
      request: request({ context: { d: { __extn: { fn: 'isIpv4', arg: '1.2.3.4' } } } }),
    }),
    refused('__extn with an invalid argument', {
      request: request({ context: { d: { __extn: { fn: 'decimal', arg: '1.55555' } } } }),
    }),
    refused('__extn with an invalid argument in an entity attribute', {
      entities: [entity('User', 'alice', { a: { __extn: { fn: 'ip', arg: '999.0.0.1' } } })],
    }),
    refused('entity without attrs', {
      entities: [{ uid: uid('User', 'alice'), parents: [] } as unknown as EntityJson],
    }),
    refused('entity without parents', {
      entities: [{ uid: uid('User', 'alice'), attrs: {} } as unknown as EntityJson],
    }),
    refused('a parent that is not an entity reference', {
      entities: [{ uid: uid('User', 'alice'), attrs: {}, parents: ['x'] } as unknown as EntityJson],
    }),
    refused('an entity type that is not a valid name', { entities: [entity('1User', 'alice')] }),
    refused('a request principal without an id', {
      request: request({ principal: { type: 'User' } as unknown as EntityRef }),
    }),
    refused('a request principal type that is not a valid name', {
      request: request({ principal: uid('not a type', 'x') }),
    }),
  ],
};
