/**
 * @module test/semantics/cases/templates
 * Templates and template-linked policies (cedar-wasm's `PolicySet` shape): slots in the
 * principal and resource scopes, the link's `newId` as its policy id in reasons and errors,
 * templates without links having no effect, and the link errors Cedar refuses.
 */
import {
  allow,
  type CaseGroup,
  deny,
  entity,
  failure,
  type PolicySetJson,
  request,
  type SemanticCase,
  uid,
  withErrors,
} from '../types.js';

const entities = [
  entity('User', 'alice', { level: 3 }, [uid('Group', 'eng')]),
  entity('User', 'bob', {}, []),
  entity('Group', 'eng'),
  entity('Photo', 'p1', {}, [uid('Album', 'trip')]),
  entity('Album', 'trip'),
];

const c = (
  name: string,
  policies: PolicySetJson,
  expect: SemanticCase['expect'],
  over = {},
  compatibleApiOnly = false,
): SemanticCase => ({
  name,
  policies,
  entities,
  request: request(over),
  expect,
  ...(compatibleApiOnly ? { compatibleApiOnly: true as const } : {}),
});

const byPrincipal = { t: 'permit(principal == ?principal, action, resource);' };
const link = (templateId: string, newId: string, values: Record<string, { type: string; id: string }>) => ({
  templateId,
  newId,
  values,
});

export const templates: CaseGroup = {
  topic: 'templates and links',
  cases: [
    c(
      'link on ?principal matches',
      { templates: byPrincipal, templateLinks: [link('t', 'alice-link', { '?principal': uid('User', 'alice') })] },
      allow('alice-link'),
    ),
    c(
      'link on ?principal does not match another principal',
      { templates: byPrincipal, templateLinks: [link('t', 'bob-link', { '?principal': uid('User', 'bob') })] },
      deny(),
    ),
    c(
      'two links of one template: only the matching link is a reason',
      {
        templates: byPrincipal,
        templateLinks: [
          link('t', 'L1', { '?principal': uid('User', 'bob') }),
          link('t', 'L2', { '?principal': uid('User', 'alice') }),
        ],
      },
      allow('L2'),
    ),
    c(
      'principal in ?principal linked to a group',
      {
        templates: { t: 'permit(principal in ?principal, action, resource);' },
        templateLinks: [link('t', 'eng', { '?principal': uid('Group', 'eng') })],
      },
      allow('eng'),
    ),
    c(
      'two links both matching are both reasons',
      {
        templates: { t: 'permit(principal in ?principal, action, resource);' },
        templateLinks: [
          link('t', 'viaGroup', { '?principal': uid('Group', 'eng') }),
          link('t', 'direct', { '?principal': uid('User', 'alice') }),
        ],
      },
      allow('viaGroup', 'direct'),
    ),
    c(
      'resource in ?resource',
      {
        templates: { r: 'permit(principal, action, resource in ?resource);' },
        templateLinks: [link('r', 'trip', { '?resource': uid('Album', 'trip') })],
      },
      allow('trip'),
    ),
    c(
      'both slots linked',
      {
        templates: { t: 'permit(principal == ?principal, action == Action::"view", resource in ?resource);' },
        templateLinks: [link('t', 'both', { '?principal': uid('User', 'alice'), '?resource': uid('Album', 'trip') })],
      },
      allow('both'),
    ),
    c(
      'both slots linked, resource slot not matching',
      {
        templates: { t: 'permit(principal == ?principal, action, resource in ?resource);' },
        templateLinks: [link('t', 'both', { '?principal': uid('User', 'alice'), '?resource': uid('Album', 'other') })],
      },
      deny(),
    ),
    c(
      'is … in ?principal',
      {
        templates: { t: 'permit(principal is User in ?principal, action, resource);' },
        templateLinks: [link('t', 'l', { '?principal': uid('Group', 'eng') })],
      },
      allow('l'),
    ),
    c(
      'a template without links has no effect',
      { templates: { t: 'permit(principal == ?principal, action, resource);' } },
      deny(),
    ),
    c(
      'static policies keep text-order ids next to links',
      {
        staticPolicies: 'permit(principal, action, resource) when { false };\npermit(principal, action, resource);',
        templates: byPrincipal,
        templateLinks: [link('t', 'link0', { '?principal': uid('User', 'alice') })],
      },
      allow('policy1', 'link0'),
    ),
    c(
      'a forbid template link overrides a static permit',
      {
        staticPolicies: 'permit(principal, action, resource);',
        templates: { f: 'forbid(principal == ?principal, action, resource);' },
        templateLinks: [link('f', 'ban-alice', { '?principal': uid('User', 'alice') })],
      },
      deny('ban-alice'),
    ),
    c(
      'an erroring link is reported under its link id',
      {
        templates: { t: 'permit(principal == ?principal, action, resource) when { principal.missing };' },
        templateLinks: [link('t', 'broken', { '?principal': uid('User', 'alice') })],
      },
      withErrors(deny(), 'broken'),
    ),
    c(
      'a link condition using attributes',
      {
        templates: { t: 'permit(principal in ?principal, action, resource) when { principal.level >= 3 };' },
        templateLinks: [link('t', 'senior-eng', { '?principal': uid('Group', 'eng') })],
      },
      allow('senior-eng'),
    ),
    c(
      'link values in the __entity form',
      {
        templates: byPrincipal,
        templateLinks: [{ templateId: 't', newId: 'l', values: { '?principal': { __entity: uid('User', 'alice') } } }],
      },
      allow('l'),
    ),
    c(
      'static policies given by id use those ids',
      {
        staticPolicies: {
          'allow-all': 'permit(principal, action, resource);',
          never: 'permit(principal, action, resource) when { false };',
        },
      },
      allow('allow-all'),
    ),
    c(
      'a one-element array of static policies is policy0',
      { staticPolicies: ['permit(principal, action, resource);'] },
      allow('policy0'),
    ),
    c(
      'an array of several static policy strings collides on policy0',
      { staticPolicies: ['permit(principal, action, resource);', 'permit(principal, action, resource);'] },
      failure,
      {},
      true,
    ),
    c(
      'a link to an unknown template is refused',
      { templateLinks: [link('nope', 'l', { '?principal': uid('User', 'alice') })] },
      failure,
    ),
    c(
      'a link missing a slot value is refused',
      {
        templates: { t: 'permit(principal == ?principal, action, resource in ?resource);' },
        templateLinks: [link('t', 'l', { '?principal': uid('User', 'alice') })],
      },
      failure,
    ),
    c(
      'a link with a value for a slot the template lacks is refused',
      {
        templates: byPrincipal,
        templateLinks: [link('t', 'l', { '?principal': uid('User', 'alice'), '?resource': uid('Photo', 'p1') })],
      },
      failure,
    ),
    c(
      'a link id that clashes with a static policy id is refused',
      {
        staticPolicies: { l: 'permit(principal, action, resource);' },
        templates: byPrincipal,
        templateLinks: [link('t', 'l', { '?principal': uid('User', 'alice') })],
      },
      failure,
    ),
    c(
      'two links with one id are refused',
      {
        templates: byPrincipal,
        templateLinks: [
          link('t', 'l', { '?principal': uid('User', 'alice') }),
          link('t', 'l', { '?principal': uid('User', 'bob') }),
        ],
      },
      failure,
    ),
    c(
      'a link id equal to its template id is refused',
      { templates: byPrincipal, templateLinks: [link('t', 't', { '?principal': uid('User', 'alice') })] },
      failure,
    ),
    c('a template without slots is refused', { templates: { t: 'permit(principal, action, resource);' } }, failure),
    c(
      'a slot in a condition is refused',
      { templates: { t: 'permit(principal, action, resource) when { principal == ?principal };' } },
      failure,
    ),
    c(
      'a template id that clashes with a static policy id is refused',
      { staticPolicies: { t: 'permit(principal, action, resource);' }, templates: byPrincipal },
      failure,
    ),
  ],
};
