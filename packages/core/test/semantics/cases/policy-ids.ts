/**
 * @module test/semantics/cases/policy-ids
 * Policy ids in the compatible API: `policy0`, `policy1`, … in text order, unaffected by
 * comments, whitespace and `@id` annotations; explicit ids (the record form) are used as
 * given, including ids that are JavaScript property names.
 */
import { allow, type CaseGroup, deny, ownKeys, request, type SemanticCase, withErrors } from '../types.js';

const c = (name: string, policies: SemanticCase['policies'], expect: SemanticCase['expect']): SemanticCase => ({
  name,
  policies,
  entities: [],
  request: request(),
  expect,
});
const NO = 'permit(principal, action, resource) when { false };';
const YES = 'permit(principal, action, resource);';

export const policyIds: CaseGroup = {
  topic: 'policy ids',
  cases: [
    c('first policy is policy0', `${YES}\n${NO}`, allow('policy0')),
    c('second policy is policy1', `${NO}\n${YES}`, allow('policy1')),
    c('ids follow text order, not line breaks', `${NO} ${NO} ${YES}`, allow('policy2')),
    c('comments do not take ids', `// first\n${NO}\n// ${YES}\n${YES} // trailing`, allow('policy1')),
    c('@id does not rename the policy', `@id("admin-rule")\n${YES}`, allow('policy0')),
    c('@id on a later policy does not shift numbering', `${NO}\n@id("policy0")\n${YES}`, allow('policy1')),
    c('other annotations do not rename either', `@advice("be nice") @reason("x")\n${YES}`, allow('policy0')),
    c('two-digit ids', `${Array.from({ length: 11 }, () => NO).join('\n')}\n${YES}`, allow('policy11')),
    c(
      'forbid ids count with permits',
      `${YES}\nforbid(principal, action, resource) when { false };\nforbid(principal, action, resource);`,
      deny('policy2'),
    ),
    c(
      'errors use the same ids',
      `${NO}\npermit(principal, action, resource) when { context.x };`,
      withErrors(deny(), 'policy1'),
    ),
    c('explicit ids from the record form', { staticPolicies: { first: NO, second: YES } }, allow('second')),
    c('explicit id that looks like a default id', { staticPolicies: { policy7: YES } }, allow('policy7')),
    c(
      'explicit id __proto__',
      { staticPolicies: ownKeys([['__proto__', YES]]) as { [id: string]: string } },
      allow('__proto__'),
    ),
    c(
      'explicit ids constructor and toString',
      { staticPolicies: { constructor: YES, toString: NO, hasOwnProperty: YES } },
      allow('constructor', 'hasOwnProperty'),
    ),
    c('explicit id with spaces and unicode', { staticPolicies: { 'règle n°1': YES } }, allow('règle n°1')),
  ],
};
