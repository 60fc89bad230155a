/**
 * @module arbitraries.test
 * The schema-typed arbitraries produce data the core accepts under the schema: entity sets
 * load (types, attributes, tags, parents, no cycles), contexts conform to their action's
 * context type (Cedar's request validation), requests validate, and deciding them never
 * fails the request — over every kind of type, extension values and namespaces included.
 */
import {
  Authorizer,
  EntityStore,
  parseContext,
  parseEntities,
  parseEntityRef,
  Schema,
  validateRequest,
} from '@mandate/core';
import { authorizationArbitrary, contextArbitrary, entitiesArbitrary, valueArbitrary } from '@mandate/testing';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';

const schema = Schema.parse(`
namespace App {
  type Net = { ip: ipaddr, cost?: decimal, at: datetime, ttl: duration };
  entity Group in [Group];
  entity User in [Group] { risk: Long, name: String, admin: Bool, net: Net, labels: Set<String>, manager?: User } tags Set<Long>;
  entity Level enum ["low", "high"];
  entity File in [Group] { owner: User, level: Level, nested: { a: { b: Set<Set<Long>> } } };
  action read, write appliesTo { principal: [User], resource: [File], context: { net: Net, why?: String, level: Level } };
  action admin in [read] appliesTo { principal: [User], resource: [File, Group] };
}
`);

describe('schema arbitraries', () => {
  test('entities load under the schema, hierarchy acyclic', () => {
    fc.assert(
      fc.property(entitiesArbitrary(schema, { ids: ['a', 'b', '__proto__'] }), (entities) => {
        const parsed = parseEntities(entities, { schema });
        expect(() => EntityStore.from(parsed)).not.toThrow();
      }),
      { numRuns: 150 },
    );
  });

  test('contexts conform to their action', () => {
    fc.assert(
      fc.property(contextArbitrary(schema, { type: 'App::Action', id: 'read' }), (ctx) => {
        parseContext(ctx, { schema, action: { type: 'App::Action', id: 'read' }, validate: true });
      }),
      { numRuns: 150 },
    );
  });

  test('requests validate and are decided, never rejected', () => {
    const authz = new Authorizer({
      policies: 'permit(principal, action, resource) when { principal.risk < 5 };',
      schema,
    });
    fc.assert(
      fc.property(authorizationArbitrary(schema, { exactLongs: true }), ({ request, entities }) => {
        validateRequest(
          schema,
          parseEntityRef(request.principal),
          parseEntityRef(request.action),
          parseEntityRef(request.resource),
        );
        const d = authz.withEntities(entities).authorize(request);
        expect(d.failure).toBeUndefined();
      }),
      { numRuns: 150 },
    );
  });

  test('extension values are valid for their type', () => {
    for (const name of ['ipaddr', 'decimal', 'datetime', 'duration'] as const) {
      fc.assert(
        fc.property(valueArbitrary(schema, { kind: 'Extension', name }), (v) => {
          parseContext({ v }, {});
        }),
        { numRuns: 200 },
      );
    }
  });

  test('an undeclared action is refused', () => {
    expect(() => contextArbitrary(schema, 'nope')).toThrow('action `Action::"nope"` is not declared in the schema');
  });
});
