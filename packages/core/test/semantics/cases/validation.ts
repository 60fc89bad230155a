/**
 * @module test/semantics/cases/validation
 * Request validation against the schema (on by default when a schema is given): principal
 * and resource types must be in the action's `appliesTo`, the action must exist and not be
 * a bare group, enum ids must be declared, and the context must match its declared type.
 * `validateRequest: false` switches the checks off (the action must still exist); without a
 * schema there is nothing to validate against.
 */
import { allow, type CaseGroup, failure, request, type SemanticCase, uid } from '../types.js';

const schema = `
entity User;
entity Photo;
entity Doc;
entity Color enum ["red", "green"];
action readWrite;
action view in [readWrite] appliesTo { principal: User, resource: [Photo, Color], context: { mfa: Bool, ip?: ipaddr } };
action comment appliesTo { principal: User, resource: Photo };
`;

const POLICY = 'permit(principal, action, resource);';
const c = (
  name: string,
  over: Partial<SemanticCase['request']>,
  expect: SemanticCase['expect'],
  withSchema = true,
): SemanticCase => ({
  name,
  policies: POLICY,
  entities: [],
  ...(withSchema ? { schema } : {}),
  request: request({ context: { mfa: true }, ...over }),
  expect,
});
const ok = allow('policy0');

export const validation: CaseGroup = {
  topic: 'request validation',
  cases: [
    c('a valid request is decided', {}, ok),
    c('a valid request with explicit validateRequest: true', { validateRequest: true }, ok),
    c('a valid request with an optional context attribute', { context: { mfa: false, ip: '10.0.0.1' } }, ok),
    c(
      'an action with no context declared takes an empty context',
      { action: uid('Action', 'comment'), context: {} },
      ok,
    ),
    c('principal type not in appliesTo', { principal: uid('Doc', 'd') }, failure),
    c('resource type not in appliesTo', { resource: uid('Doc', 'd') }, failure),
    c('principal type not declared at all', { principal: uid('Robot', 'r') }, failure),
    c('action not declared', { action: uid('Action', 'nope') }, failure),
    c(
      'an action group without appliesTo cannot be requested',
      { action: uid('Action', 'readWrite'), context: {} },
      failure,
    ),
    c('enum resource with an undeclared id', { resource: uid('Color', 'blue') }, failure),
    c('enum resource with a declared id', { resource: uid('Color', 'green') }, ok),
    c('required context attribute missing', { context: {} }, failure),
    c('undeclared context attribute', { context: { mfa: true, isAdmin: true } }, failure),
    c('context attribute of the wrong type', { context: { mfa: 'yes' } }, failure),
    c('context extension string that does not parse', { context: { mfa: true, ip: 'not-an-ip' } }, failure),
    c(
      'context given to an action that declares none',
      { action: uid('Action', 'comment'), context: { mfa: true } },
      failure,
    ),
    c(
      'validateRequest: false lets a wrong principal type through',
      { principal: uid('Doc', 'd'), validateRequest: false },
      ok,
    ),
    c(
      'validateRequest: false lets an undeclared enum id through',
      { resource: uid('Color', 'blue'), validateRequest: false },
      ok,
    ),
    c('validateRequest: false lets a wrong context through', { context: { mfa: 'yes' }, validateRequest: false }, ok),
    c(
      'validateRequest: false still needs a declared action',
      { action: uid('Action', 'nope'), validateRequest: false },
      failure,
    ),
    c(
      'without a schema any types are accepted',
      { principal: uid('Robot', 'r'), action: uid('Whatever', 'x'), context: { any: 'thing' } },
      ok,
      false,
    ),
    c(
      'without a schema validateRequest: true has nothing to check',
      { principal: uid('Robot', 'r'), validateRequest: true },
      ok,
      false,
    ),
  ],
};
