/**
 * @module test/semantics/cases/errors
 * Cedar's decision rules: default deny, forbid overrides permit, a policy whose evaluation
 * errors is skipped and reported (an erroring forbid does not deny), determining policies
 * are the satisfied forbids on deny and the satisfied permits on allow, and a scope that does
 * not match short-circuits the conditions.
 */
import { allow, type CaseGroup, deny, entity, failure, request, type SemanticCase, uid, withErrors } from '../types.js';

const ERR = 'principal.missing';
const entities = [entity('User', 'alice', { blocked: false }), entity('User', 'bob', { blocked: true })];

const c = (name: string, policies: string, expect: SemanticCase['expect'], over = {}): SemanticCase => ({
  name,
  policies,
  entities,
  request: request(over),
  expect,
});

export const errors: CaseGroup = {
  topic: 'error semantics and decisions',
  cases: [
    c('no policies: default deny', '', deny()),
    c('only comments: default deny', '// nothing to see\n// still nothing\n', deny()),
    c('block comments are not Cedar syntax', '/* nothing */ permit(principal, action, resource);', failure),
    c('a single satisfied permit allows', 'permit(principal, action, resource);', allow('policy0')),
    c('an unsatisfied permit denies without reasons', 'permit(principal, action, resource) when { false };', deny()),
    c('a lone forbid denies with itself as reason', 'forbid(principal, action, resource);', deny('policy0')),
    c(
      'forbid overrides permit',
      'permit(principal, action, resource);\nforbid(principal, action, resource);',
      deny('policy1'),
    ),
    c(
      'forbid overrides several permits; permits are not reasons of a deny',
      'permit(principal, action, resource);\npermit(principal, action, resource);\nforbid(principal, action, resource);',
      deny('policy2'),
    ),
    c(
      'every satisfied forbid is a reason',
      'forbid(principal, action, resource);\npermit(principal, action, resource);\nforbid(principal == User::"alice", action, resource);\nforbid(principal == User::"bob", action, resource);',
      deny('policy0', 'policy2'),
    ),
    c(
      'every satisfied permit is a reason; unsatisfied ones are not',
      'permit(principal, action, resource);\npermit(principal, action, resource) when { false };\npermit(principal == User::"alice", action, resource);',
      allow('policy0', 'policy2'),
    ),
    c(
      'an unsatisfied forbid does not block',
      'permit(principal, action, resource);\nforbid(principal, action, resource) when { principal.blocked };',
      allow('policy0'),
    ),
    c(
      'a satisfied forbid on attribute blocks',
      'permit(principal, action, resource);\nforbid(principal, action, resource) when { principal.blocked };',
      deny('policy1'),
      { principal: uid('User', 'bob') },
    ),
    c(
      'an erroring permit is skipped and reported',
      `permit(principal, action, resource) when { ${ERR} };`,
      withErrors(deny(), 'policy0'),
    ),
    c(
      'an erroring permit does not prevent another permit',
      `permit(principal, action, resource) when { ${ERR} };\npermit(principal, action, resource);`,
      withErrors(allow('policy1'), 'policy0'),
    ),
    c(
      'an erroring forbid is skipped: the permit still allows',
      `permit(principal, action, resource);\nforbid(principal, action, resource) when { ${ERR} };`,
      withErrors(allow('policy0'), 'policy1'),
    ),
    c(
      'an erroring forbid from a missing attribute does not deny',
      'forbid(principal, action, resource) when { principal.suspended };\npermit(principal, action, resource);',
      withErrors(allow('policy1'), 'policy0'),
    ),
    c(
      'an erroring forbid with unless is skipped too',
      `forbid(principal, action, resource) unless { ${ERR} };\npermit(principal, action, resource);`,
      withErrors(allow('policy1'), 'policy0'),
    ),
    c(
      'erroring and satisfied forbids: deny for the satisfied one, error for the other',
      `permit(principal, action, resource);\nforbid(principal, action, resource) when { ${ERR} };\nforbid(principal, action, resource);`,
      withErrors(deny('policy2'), 'policy1'),
    ),
    c(
      'a satisfied forbid still reports an erroring permit',
      `forbid(principal, action, resource);\npermit(principal, action, resource) when { ${ERR} };`,
      withErrors(deny('policy0'), 'policy1'),
    ),
    c(
      'only erroring policies: deny with every error',
      `permit(principal, action, resource) when { ${ERR} };\nforbid(principal, action, resource) when { 1 + "a" == 2 };\npermit(principal, action, resource) when { User::"ghost".name == "x" };`,
      withErrors(deny(), 'policy0', 'policy1', 'policy2'),
    ),
    c(
      'errors are per policy: different error kinds all reported',
      'permit(principal, action, resource) when { 9223372036854775807 + 1 > 0 };\npermit(principal, action, resource) when { ip("x").isIpv4() };\npermit(principal, action, resource) when { [1].contains(1) };',
      withErrors(allow('policy2'), 'policy0', 'policy1'),
    ),
    c(
      'a scope that does not match is not an error even if the condition would be',
      `permit(principal == User::"bob", action, resource) when { ${ERR} };`,
      deny(),
    ),
    c(
      'an action scope that does not match skips the condition',
      `forbid(principal, action == Action::"edit", resource) when { ${ERR} };\npermit(principal, action, resource);`,
      allow('policy1'),
    ),
    c(
      'a resource scope that does not match skips the condition',
      `permit(principal, action, resource is Album) when { ${ERR} };`,
      deny(),
    ),
    c(
      'a matching scope evaluates the condition',
      `permit(principal == User::"alice", action, resource) when { ${ERR} };`,
      withErrors(deny(), 'policy0'),
    ),
    c(
      'has guard avoids the error',
      'forbid(principal, action, resource) when { principal has suspended && principal.suspended };\npermit(principal, action, resource);',
      allow('policy1'),
    ),
    c(
      'many policies: reasons list all satisfied ones',
      Array.from({ length: 12 }, (_, i) => `permit(principal, action, resource) when { ${i % 3 === 0} };`).join('\n'),
      allow('policy0', 'policy3', 'policy6', 'policy9'),
    ),
    c(
      'an erroring policy does not change the decision of the others for another request',
      `permit(principal, action, resource) when { principal.blocked == false };\nforbid(principal, action, resource) when { ${ERR} };`,
      withErrors(allow('policy0'), 'policy1'),
    ),
    c(
      'a syntax error anywhere refuses the whole set',
      'permit(principal, action, resource);\npermit(principal, action, resource) when { 1 + };',
      failure,
    ),
    c('an unknown function is a parse error', 'permit(principal, action, resource) when { foo("x") };', failure),
    c('an unknown method is a parse error', 'permit(principal, action, resource) when { [1].foo() };', failure),
    c(
      'an unknown variable is a parse error',
      'permit(principal, action, resource) when { user == principal };',
      failure,
    ),
    c('a missing semicolon is a parse error', 'permit(principal, action, resource)', failure),
    c('an unknown effect is a parse error', 'allow(principal, action, resource);', failure),
    c('a duplicate annotation is a parse error', '@id("x") @id("y") permit(principal, action, resource);', failure),
    // cedar-wasm reads `staticPolicies` text as static policies only; Cedar text in general
    // may hold templates, so an API taking plain policy text may accept this.
    {
      ...c(
        'a slot in cedar-wasm static policy text is refused',
        'permit(principal == ?principal, action, resource);',
        failure,
      ),
      compatibleApiOnly: true,
    },
    {
      name: 'a hierarchy cycle in the entities is refused',
      policies: 'permit(principal, action, resource);',
      entities: [entity('Group', 'a', {}, [uid('Group', 'b')]), entity('Group', 'b', {}, [uid('Group', 'a')])],
      request: request(),
      expect: failure,
    },
    {
      name: 'an entity that is its own parent is refused',
      policies: 'permit(principal, action, resource);',
      entities: [entity('Group', 'a', {}, [uid('Group', 'a')])],
      request: request(),
      expect: failure,
    },
    {
      name: 'duplicate entity uids with different contents are refused',
      policies: 'permit(principal, action, resource);',
      entities: [entity('User', 'alice', { admin: false }), entity('User', 'alice', { admin: true })],
      request: request(),
      expect: failure,
    },
    {
      name: 'identical duplicate entity entries are accepted',
      policies: 'permit(principal, action, resource) when { principal.admin == false };',
      entities: [entity('User', 'alice', { admin: false }), entity('User', 'alice', { admin: false })],
      request: request(),
      expect: allow('policy0'),
    },
    {
      name: 'a null attribute value is refused',
      policies: 'permit(principal, action, resource);',
      entities: [entity('User', 'alice', { admin: null })],
      request: request(),
      expect: failure,
    },
    {
      name: 'a context that is not a record is refused',
      policies: 'permit(principal, action, resource);',
      entities: [],
      request: request({ context: { __entity: uid('User', 'alice') } }),
      expect: failure,
    },
    {
      name: 'a reserved __cedar entity type in the request is refused',
      policies: 'permit(principal, action, resource);',
      entities: [],
      request: request({ principal: uid('__cedar::X', 'x') }),
      expect: failure,
    },
  ],
};
