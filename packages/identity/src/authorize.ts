/**
 * @module authorize
 * Chain authorization: a delegated request is decided once for every principal on the chain
 * — the root user, each agent, the actor — and is allowed only if every one of them is
 * allowed. Authority can therefore only narrow along the chain: a sub-agent whose own policies
 * are broad cannot do what the user it works for may not (no confused deputy), and a user's
 * rights do not flow to an agent that has none of its own.
 *
 * Like `Authorizer.authorize`, {@link authorizeChain} never throws: a chain that breaks the
 * invariants, or a request that cannot be decided, is a deny whose `failure` says why.
 */
import { type Authorizer, type Decision, type EntityStore, parseEntities } from '@mandate/core';
import {
  type CedarMappingOptions,
  chainContext,
  chainEntities,
  chainPrincipals,
  type EntityRef,
  entityTypes,
} from './cedar.js';
import { type ChainOptions, checkChain, type DelegationChain } from './chain.js';
import { ChainError } from './errors.js';

export interface ChainRequest {
  /** The action: an action id in the namespace (`"file.read"`) or a full uid. */
  readonly action: string | EntityRef;
  readonly resource: EntityRef;
  /**
   * The rest of the context (`session`, `intent`, `input`, …) in Cedar's context JSON.
   * `chain` is filled in from the chain and may not be given.
   */
  readonly context?: Readonly<Record<string, unknown>> | undefined;
}

export interface AuthorizeChainOptions extends CedarMappingOptions, ChainOptions {}

/** The decision for one principal of the chain. */
export interface HopDecision {
  /** Position on the chain: 0 is the root user, `depth` the actor. */
  readonly index: number;
  readonly role: 'root' | 'agent' | 'actor';
  readonly principal: EntityRef;
  readonly decision: Decision;
}

export interface ChainDecision {
  readonly decision: 'allow' | 'deny';
  /** Every principal's decision, in delegation order (empty when the chain itself was refused). */
  readonly hops: readonly HopDecision[];
  /** The first principal that was denied, if any. */
  readonly deniedBy: HopDecision | undefined;
  /** One line saying why: which hop denied and by which policies, or what failed. */
  readonly message: string;
  /** Set when the chain or the request could not be decided at all (then the decision is `deny`). */
  readonly failure?: { readonly kind: 'chain' | 'request'; readonly message: string } | undefined;
}

/**
 * Decide `request` for every principal of `chain` with `authorizer`. The chain's users and
 * agents are added to the authorizer's entities when it does not already hold them; when it
 * does, its own version wins, so a registry's facts (owner, attestation, groups) cannot be
 * overridden by what a token says.
 */
export function authorizeChain(
  authorizer: Authorizer,
  chain: DelegationChain,
  request: ChainRequest,
  opts: AuthorizeChainOptions = {},
): ChainDecision {
  try {
    // Re-check: a chain may have been assembled by hand rather than by buildChain or a token.
    checkChain(chain.root, chain.hops, opts);
  } catch (e) {
    return refused('chain', e instanceof ChainError ? e.message : messageOf(e));
  }
  if (request.context !== undefined && Object.hasOwn(request.context, 'chain'))
    return refused('request', '`context.chain` is set from the delegation chain and may not be given');

  let withChain: Authorizer;
  try {
    withChain = authorizer.withEntities(addMissing(authorizer, chainEntities(chain, opts)));
  } catch (e) {
    return refused('request', `the chain's entities cannot be added: ${messageOf(e)}`);
  }
  const action =
    typeof request.action === 'string' ? { type: entityTypes(opts).action, id: request.action } : request.action;
  const context = { ...request.context, chain: chainContext(chain, opts) };

  const principals = chainPrincipals(chain, opts);
  const hops: HopDecision[] = principals.map((principal, index) => ({
    index,
    role: index === 0 ? 'root' : index === principals.length - 1 ? 'actor' : 'agent',
    principal,
    decision: withChain.authorize({ principal, action, resource: request.resource, context }),
  }));
  const deniedBy = hops.find((h) => h.decision.decision !== 'allow');
  return {
    decision: deniedBy === undefined ? 'allow' : 'deny',
    hops,
    deniedBy,
    message:
      deniedBy === undefined ? `allowed for all ${hops.length} principals of the chain` : denialMessage(deniedBy),
  };
}

function addMissing(authorizer: Authorizer, entities: unknown[]): EntityStore {
  const parsed = parseEntities(entities, { schema: authorizer.schema });
  const store = authorizer.entities;
  return store.with(parsed.filter((e) => store.getEntity(e.uid) === undefined));
}

function denialMessage(h: HopDecision): string {
  const who = `hop ${h.index} (${h.role} \`${h.principal.type}::"${h.principal.id}"\`)`;
  const d = h.decision;
  if (d.failure !== undefined) return `denied at ${who}: the request failed: ${d.failure.message}`;
  if (d.reasons.length > 0) return `denied at ${who}: forbidden by ${d.reasons.map((r) => `\`${r}\``).join(', ')}`;
  const errs =
    d.errors.length > 0 ? ` (policies that errored: ${d.errors.map((e) => `\`${e.policyId}\``).join(', ')})` : '';
  return `denied at ${who}: no policy permits it${errs}`;
}

function refused(kind: 'chain' | 'request', message: string): ChainDecision {
  return {
    decision: 'deny',
    hops: [],
    deniedBy: undefined,
    message: `refused: ${message}`,
    failure: { kind, message },
  };
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
