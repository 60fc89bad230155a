/**
 * @module test/semantics/cases/schema
 * Schema-aware parsing of entities and context: strings become extension values where the
 * schema says ipaddr, decimal, datetime or duration; `{type, id}` becomes an entity
 * reference where the schema says an entity type (without a schema it stays a record);
 * action groups come from the schema; entities that do not conform are refused. The
 * policies here pass Cedar's strict validation against the schema (so an engine that
 * validates policies on load decides them too) — except the one case showing that
 * cedar-wasm's `isAuthorized` does not validate.
 */
import {
  allow,
  type CaseGroup,
  deny,
  type EntityJson,
  entity,
  failure,
  request,
  type SemanticCase,
  uid,
  withErrors,
} from '../types.js';

const schema = `
entity Group;
entity User in [Group] = {
  name: String,
  level?: Long,
  ip?: ipaddr,
  score?: decimal,
  since?: datetime,
  ttl?: duration,
  manager?: User,
  friends?: Set<User>,
  address?: Address,
} tags String;
type Address = { city: String, zip?: String };
entity Album;
entity Photo in [Album] = { owner: User, private: Bool };
entity Color enum ["red", "green"];
action readWrite;
action view, edit in [readWrite] appliesTo {
  principal: [User],
  resource: [Photo, Color],
  context: { ip?: ipaddr, now?: datetime, mfa?: Bool, req?: { src: ipaddr, hops: Set<ipaddr> } },
};
action share appliesTo { principal: User, resource: Photo, context: { now: datetime } };
`;

const alice = (attrs: EntityJson['attrs'], parents = [uid('Group', 'eng')]): EntityJson =>
  entity('User', 'alice', { name: 'alice', ...attrs }, parents);
const base: EntityJson[] = [
  entity('Group', 'eng'),
  entity('Photo', 'p1', { owner: uid('User', 'alice'), private: false }, [uid('Album', 'a')]),
  entity('Album', 'a'),
];

const c = (
  name: string,
  policy: string,
  entities: readonly EntityJson[],
  expect: SemanticCase['expect'],
  over: Partial<SemanticCase['request']> = {},
  withSchema = true,
): SemanticCase => ({
  name,
  policies: policy,
  entities,
  ...(withSchema ? { schema } : {}),
  request: request(over),
  expect,
});
const when = (cond: string): string => `permit(principal, action, resource) when { ${cond} };`;
const ok = allow('policy0');

const nsSchema = `
namespace App {
  entity Team;
  entity Member in [Team] = { home: ipaddr, peers: Set<Member>, limits: { daily: decimal, window: duration } };
  entity Doc;
  action all;
  action read in [all];
  action open in [read] appliesTo { principal: Member, resource: Doc, context: { at: datetime } };
}
`;
const member = entity(
  'App::Member',
  'm',
  {
    home: '10.0.0.5',
    peers: [uid('App::Member', 'n'), { __entity: uid('App::Member', 'o') }],
    limits: { daily: '12.5', window: '1h' },
  },
  [uid('App::Team', 't')],
);
const nsCase = (name: string, policy: string, expect: SemanticCase['expect']): SemanticCase => ({
  name,
  policies: policy,
  entities: [member, entity('App::Team', 't')],
  schema: nsSchema,
  request: {
    principal: uid('App::Member', 'm'),
    action: uid('App::Action', 'open'),
    resource: uid('App::Doc', 'd'),
    context: { at: '2024-05-01T09:00:00Z' },
  },
  expect,
});

export const schemaAware: CaseGroup = {
  topic: 'schema-aware parsing',
  cases: [
    c(
      'ipaddr attribute given as a string',
      when('principal has ip && principal.ip.isInRange(ip("10.0.0.0/8"))'),
      [...base, alice({ ip: '10.1.2.3' })],
      ok,
    ),
    c(
      'without a schema the same string stays a string',
      when('principal has ip && principal.ip.isInRange(ip("10.0.0.0/8"))'),
      [...base, alice({ ip: '10.1.2.3' })],
      withErrors(deny(), 'policy0'),
      {},
      false,
    ),
    c(
      'decimal attribute given as a string',
      when('principal has score && principal.score.greaterThan(decimal("0.5"))'),
      [...base, alice({ score: '0.75' })],
      ok,
    ),
    c(
      'datetime attribute given as a string',
      when('principal has since && principal.since < datetime("2025-01-01")'),
      [...base, alice({ since: '2024-03-01T10:00:00Z' })],
      ok,
    ),
    c(
      'duration attribute given as a string',
      when('principal has ttl && principal.ttl.toMinutes() == 90'),
      [...base, alice({ ttl: '1h30m' })],
      ok,
    ),
    c(
      'explicit __extn form still works',
      when('principal has ip && principal.ip.isLoopback()'),
      [...base, alice({ ip: { __extn: { fn: 'ip', arg: '127.0.0.1' } } })],
      ok,
    ),
    c(
      'entity attribute given as {type, id}',
      when('principal has manager && principal.manager == User::"bob"'),
      [...base, alice({ manager: uid('User', 'bob') })],
      ok,
    ),
    c(
      'without a schema {type, id} is a record',
      when('principal has manager && principal.manager == User::"bob"'),
      [...base, alice({ manager: uid('User', 'bob') })],
      deny(),
      {},
      false,
    ),
    c(
      'without a schema {type, id} is a record with those keys',
      when('principal has manager && principal.manager.id == "bob"'),
      [...base, alice({ manager: uid('User', 'bob') })],
      ok,
      {},
      false,
    ),
    c(
      'explicit __entity form still works',
      when('principal has manager && principal.manager == User::"bob"'),
      [...base, alice({ manager: { __entity: uid('User', 'bob') } })],
      ok,
    ),
    c(
      'set of entities given as {type, id} items',
      when('principal has friends && principal.friends.contains(User::"bob")'),
      [...base, alice({ friends: [uid('User', 'bob'), uid('User', 'carol')] })],
      ok,
    ),
    c(
      'resource owner typed as an entity',
      'permit(principal, action, resource is Photo) when { resource.owner == principal };',
      [...base, alice({})],
      ok,
    ),
    c(
      'common type record attribute',
      when('principal has address && principal.address.city == "Paris" && !(principal.address has zip)'),
      [...base, alice({ address: { city: 'Paris' } })],
      ok,
    ),
    c('optional attribute absent', when('principal has ip'), [...base, alice({})], deny()),
    c('Long attribute', when('principal has level && principal.level == 3'), [...base, alice({ level: 3 })], ok),
    c(
      'tags typed by the schema',
      when('principal.hasTag("team") && principal.getTag("team") == "core"'),
      [...base, entity('User', 'alice', { name: 'alice' }, [], { team: 'core' })],
      ok,
    ),
    c(
      'action group from the schema, no action entities given',
      'permit(principal, action in Action::"readWrite", resource);',
      base,
      ok,
    ),
    c('action outside the group', 'permit(principal, action in Action::"readWrite", resource);', base, deny(), {
      action: uid('Action', 'share'),
      context: { now: '2024-01-01' },
    }),
    c(
      'action entity supplied that matches the schema',
      'permit(principal, action in Action::"readWrite", resource);',
      [...base, entity('Action', 'view', {}, [uid('Action', 'readWrite')])],
      ok,
    ),
    c(
      'context ipaddr given as a string',
      'permit(principal, action == Action::"view", resource) when { context has ip && context.ip.isInRange(ip("192.168.0.0/16")) };',
      base,
      ok,
      {
        context: { ip: '192.168.1.1' },
      },
    ),
    c(
      'context datetime given as a string',
      'permit(principal, action == Action::"share", resource) when { context.now < datetime("2030-01-01") };',
      base,
      ok,
      {
        action: uid('Action', 'share'),
        context: { now: '2024-06-01T00:00:00Z' },
      },
    ),
    c(
      'nested context record with typed members',
      'permit(principal, action == Action::"view", resource) when { context has req && context.req.src.isIpv4() && context.req.hops.contains(ip("10.0.0.1")) };',
      base,
      ok,
      {
        context: { req: { src: '1.2.3.4', hops: ['10.0.0.1', '10.0.0.2'] } },
      },
    ),
    c('enum entity value in the request', when('resource == Color::"red"'), base, ok, {
      resource: uid('Color', 'red'),
    }),
    // cedar-wasm's isAuthorized does not validate policies; the Authorizer validates them
    // against its schema by design, so this pins the drop-in only.
    {
      ...c(
        'isAuthorized does not validate policies: an unknown attribute only errors',
        when('principal.nonexistent == 1'),
        [...base, alice({})],
        withErrors(deny(), 'policy0'),
      ),
      compatibleApiOnly: true,
    },
    nsCase(
      'namespaced schema: typed attributes inside a namespace',
      'permit(principal, action, resource) when { principal.home.isInRange(ip("10.0.0.0/24")) && principal.limits.daily.greaterThan(decimal("10.0")) && principal.limits.window == duration("60m") };',
      ok,
    ),
    nsCase(
      'namespaced schema: a set mixing {type, id} and __entity items',
      'permit(principal, action, resource) when { principal.peers == [App::Member::"o", App::Member::"n"] };',
      ok,
    ),
    nsCase(
      'namespaced schema: action groups are transitive',
      'permit(principal in App::Team::"t", action in App::Action::"all", resource);',
      ok,
    ),
    // Strict validation rejects the unknown `Action::"all"`, so this pins the drop-in only.
    {
      ...nsCase(
        'namespaced schema: the bare Action type is a different type',
        'permit(principal, action in Action::"all", resource);',
        deny(),
      ),
      compatibleApiOnly: true,
    },
    nsCase(
      'namespaced schema: typed context',
      'permit(principal, action == App::Action::"open", resource) when { context.at.toTime() == duration("9h") };',
      ok,
    ),
    c('entity attribute of the wrong type is refused', when('true'), [...base, alice({ level: 'three' })], failure),
    c('missing required attribute is refused', when('true'), [...base, entity('User', 'alice', {}, [])], failure),
    c('undeclared attribute is refused', when('true'), [...base, alice({ isRoot: true })], failure),
    c('entity of an undeclared type is refused', when('true'), [...base, entity('Robot', 'r')], failure),
    c(
      'invalid ipaddr string in an ipaddr attribute is refused',
      when('true'),
      [...base, alice({ ip: '10.0.0' })],
      failure,
    ),
    c(
      'invalid decimal string in a decimal attribute is refused',
      when('true'),
      [...base, alice({ score: '0.12345' })],
      failure,
    ),
    c(
      'parent of a type the schema does not allow is refused',
      when('true'),
      [...base, alice({}, [uid('Album', 'a')])],
      failure,
    ),
    c(
      'entity reference of the wrong type is refused',
      when('true'),
      [...base, alice({ manager: uid('Photo', 'p1') })],
      failure,
    ),
    c(
      'tag of the wrong type is refused',
      when('true'),
      [...base, entity('User', 'alice', { name: 'alice' }, [], { team: 7 })],
      failure,
    ),
    c('enum entity with an undeclared id is refused', when('true'), [...base, entity('Color', 'blue')], failure),
    c(
      'action entity that contradicts the schema is refused',
      when('true'),
      [...base, entity('Action', 'view', {}, [])],
      failure,
    ),
    c('action entity not declared in the schema is refused', when('true'), [...base, entity('Action', 'zzz')], failure),
    c('null attribute is refused', when('true'), [...base, alice({ level: null })], failure),
    c('fractional number for a Long attribute is refused', when('true'), [...base, alice({ level: 1.5 })], failure),
  ],
};
