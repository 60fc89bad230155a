/**
 * @module cedar
 * A delegation chain in Cedar's terms: entities for the root user and every agent (Cedar's
 * entity JSON), and the `context.chain` record of the Mandate schema
 * (`{ root: User, actor: Agent, depth: Long, agents: Set<Agent>, scopes?: Set<String> }`).
 */
import type { AgentHop, DelegationChain } from './chain.js';
import { effectiveScope } from './scope.js';

/** The namespace of the Mandate schema (`policies/schema/mandate.cedarschema`). */
export const DEFAULT_NAMESPACE = 'Mandate';

export interface CedarMappingOptions {
  /** Namespace of the entity types (default {@link DEFAULT_NAMESPACE}); `''` for none. */
  readonly namespace?: string | undefined;
}

/** An entity uid in Cedar's JSON form. */
export interface EntityRef {
  readonly type: string;
  readonly id: string;
}

/** The entity types of a namespace. */
export function entityTypes(opts: CedarMappingOptions = {}) {
  const ns = opts.namespace ?? DEFAULT_NAMESPACE;
  const t = (name: string) => (ns === '' ? name : `${ns}::${name}`);
  return { user: t('User'), agent: t('Agent'), group: t('Group'), action: t('Action') } as const;
}

/** The uid of the chain's root user. */
export function rootRef(chain: DelegationChain, opts: CedarMappingOptions = {}): EntityRef {
  return { type: entityTypes(opts).user, id: chain.root.id };
}

/** The uid of an agent hop. */
export function agentRef(hop: AgentHop, opts: CedarMappingOptions = {}): EntityRef {
  return { type: entityTypes(opts).agent, id: hop.id };
}

/**
 * The principals a chain's request is decided for, in delegation order: the root user,
 * then every agent, the actor last.
 */
export function chainPrincipals(chain: DelegationChain, opts: CedarMappingOptions = {}): EntityRef[] {
  return [rootRef(chain, opts), ...chain.hops.map((h) => agentRef(h, opts))];
}

/** Cedar entity JSON for the root user and every agent of the chain. */
export function chainEntities(chain: DelegationChain, opts: CedarMappingOptions = {}): unknown[] {
  const types = entityTypes(opts);
  const group = (id: string) => ({ type: types.group, id });
  const user = {
    uid: rootRef(chain, opts),
    attrs: { ...chain.root.attrs },
    parents: chain.root.groups.map(group),
  };
  const agents = chain.hops.map((hop) => {
    const attrs: Record<string, unknown> = {
      // An agent with no registered owner works for the user at the root of its chain.
      owner: { __entity: { type: types.user, id: hop.owner ?? chain.root.id } },
      attested: hop.attested,
    };
    if (hop.spiffeId !== undefined) attrs.spiffeId = hop.spiffeId;
    return { uid: agentRef(hop, opts), attrs, parents: hop.groups.map(group) };
  });
  return [user, ...agents];
}

/**
 * The `context.chain` record, in Cedar's context JSON. `scopes` is the chain's effective
 * (intersected) scope, present only when some hop states one: absent means the chain's source
 * said nothing about scope, which policies can tell apart from an empty scope with `has`.
 */
export function chainContext(chain: DelegationChain, opts: CedarMappingOptions = {}): Record<string, unknown> {
  const ctx: Record<string, unknown> = {
    root: { __entity: rootRef(chain, opts) },
    actor: { __entity: agentRef(chain.actor, opts) },
    depth: chain.depth,
    agents: chain.hops.map((h) => ({ __entity: agentRef(h, opts) })),
  };
  const scopes = effectiveScope(chain);
  if (scopes !== undefined) ctx.scopes = [...scopes];
  return ctx;
}
