/**
 * @module chain
 * The delegation-chain model: the user a request is ultimately for (the root), the agents it
 * passed through in delegation order, and the actor — the agent making the call, the last hop.
 *
 * A chain is the only way identity reaches a decision in this package, so every way of
 * building one (plain objects here, verified tokens in `token`, `svid` and `transaction`) ends
 * in {@link checkChain}: there is no chain object that skipped the depth, cycle, scope and
 * SPIFFE ID checks.
 */
import { z } from 'zod';
import { ChainError, SpiffeIdError } from './errors.js';
import { checkScopes } from './scope.js';
import { checkTrustDomainAllowed, looksLikeSpiffeId, parseSpiffeId, type SpiffeId } from './spiffe.js';

/** Agent hops accepted when no limit is configured. Long chains are where confused deputies hide. */
export const DEFAULT_MAX_CHAIN_DEPTH = 8;

/** The user at the root of a chain. */
export interface ChainUser {
  readonly id: string;
  /** Groups the user is in (ids of `Group` entities). */
  readonly groups: readonly string[];
  /** Further attributes, in Cedar's entity JSON (e.g. `{ email: "a@example.com" }`). */
  readonly attrs: Readonly<Record<string, unknown>>;
}

/** One agent on the chain. */
export interface AgentHop {
  /** The agent's id (a client id or a SPIFFE ID). */
  readonly id: string;
  /** What this hop was delegated (OAuth scopes); `undefined` when the source does not say. */
  readonly scope: readonly string[] | undefined;
  /** The SPIFFE ID of the agent's workload, when it has one. */
  readonly spiffeId: string | undefined;
  /** Whether the agent's runtime was attested. */
  readonly attested: boolean;
  /** Id of the user who owns the agent; the root user when not given. */
  readonly owner: string | undefined;
  /** Groups the agent is in (ids of `Group` entities). */
  readonly groups: readonly string[];
  /** Who vouched for this hop (the `iss` of an `act` claim), when known. */
  readonly issuer: string | undefined;
}

/** A delegation chain: root user → hops[0] → … → hops[depth - 1] (the actor). */
export interface DelegationChain {
  readonly root: ChainUser;
  /** Agents in delegation order: `hops[0]` was delegated by the root user. Never empty. */
  readonly hops: readonly AgentHop[];
  /** The agent making the call: the last hop. */
  readonly actor: AgentHop;
  /** Number of agent hops. */
  readonly depth: number;
}

export interface ChainOptions {
  /** Most agent hops accepted (default {@link DEFAULT_MAX_CHAIN_DEPTH}). */
  readonly maxDepth?: number | undefined;
  /**
   * Trust domains whose workloads may be on the chain. When given, every hop with a SPIFFE ID
   * must be in one of them (hops known by a client id only are not affected); when absent,
   * any trust domain is accepted.
   */
  readonly trustDomains?: readonly string[] | undefined;
}

/**
 * The workload SPIFFE ID of an agent (`id` or `spiffeId`), or `undefined` when it has none.
 * An id that starts like a SPIFFE ID but is not a valid one throws: an agent id that reads
 * as two different workloads is exactly the ambiguity SPIFFE's rules exist to exclude.
 */
export function agentSpiffeId(hopId: string, spiffeId: string | undefined, path: string): SpiffeId | undefined {
  const candidate = spiffeId ?? (looksLikeSpiffeId(hopId) ? hopId : undefined);
  if (candidate === undefined) return undefined;
  try {
    return parseSpiffeId(candidate, { requirePath: true });
  } catch (e) {
    if (e instanceof SpiffeIdError)
      throw new ChainError('invalid', e.message, spiffeId === undefined ? `${path}.id` : `${path}.spiffeId`);
    throw e;
  }
}

const id = z.string().min(1, 'must not be empty');

const userInput = z.strictObject({
  id,
  groups: z.array(id).optional(),
  attrs: z.record(z.string(), z.unknown()).optional(),
});

const hopInput = z.strictObject({
  id,
  scope: z.array(z.string()).optional(),
  spiffeId: z.string().optional(),
  attested: z.boolean().optional(),
  owner: id.optional(),
  groups: z.array(id).optional(),
  issuer: z.string().optional(),
});

const chainInput = z.strictObject({
  root: userInput,
  hops: z.array(hopInput).min(1, 'a delegation chain has at least one agent'),
});

/** A chain as plain data, e.g. from a framework's own session object. */
export type ChainInput = z.input<typeof chainInput>;
export type AgentHopInput = z.input<typeof hopInput>;

/**
 * Build a chain from plain objects, validated. Throws {@link ChainError}: `invalid` for a
 * wrong shape (with the path of the first problem), `depth` and `cycle` as {@link checkChain}.
 */
export function buildChain(input: unknown, opts: ChainOptions = {}): DelegationChain {
  // Refuse an over-long chain before validating every hop of it.
  const hopsIn = typeof input === 'object' && input !== null ? (input as { hops?: unknown }).hops : undefined;
  if (Array.isArray(hopsIn)) checkDepth(hopsIn.length, maxDepthOf(opts));
  const parsed = chainInput.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.core.$ZodIssue;
    throw new ChainError('invalid', issue.message, pathText(issue.path));
  }
  const { root, hops } = parsed.data;
  return checkChain(
    {
      id: root.id,
      groups: root.groups ?? [],
      attrs: root.attrs ?? {},
    },
    hops.map((h, i) => ({
      id: h.id,
      scope: h.scope === undefined ? undefined : [...new Set(h.scope)],
      // An agent named by its SPIFFE ID has that workload identity.
      spiffeId: agentSpiffeId(h.id, h.spiffeId, `hops[${i}]`)?.id,
      attested: h.attested ?? false,
      owner: h.owner,
      groups: h.groups ?? [],
      issuer: h.issuer,
    })),
    opts,
  );
}

/**
 * Assemble a chain from its parts after checking the invariants every chain keeps: at least
 * one hop, no more than `maxDepth`, no agent twice (a repeated hop means a loop of
 * delegation, and would let an agent vouch for itself), valid SPIFFE IDs in allowed trust
 * domains, and no hop holding a scope its delegator was not delegated (`scope`).
 */
export function checkChain(root: ChainUser, hops: readonly AgentHop[], opts: ChainOptions = {}): DelegationChain {
  if (hops.length === 0) throw new ChainError('invalid', 'a delegation chain has at least one agent', 'hops');
  checkDepth(hops.length, maxDepthOf(opts));
  const seen = new Map<string, number>();
  for (let i = 0; i < hops.length; i++) {
    const hop = hops[i] as AgentHop;
    const first = seen.get(hop.id);
    if (first !== undefined)
      throw new ChainError('cycle', `agent \`${hop.id}\` appears twice (hops ${first} and ${i})`, `hops[${i}].id`);
    seen.set(hop.id, i);
    const workload = agentSpiffeId(hop.id, hop.spiffeId, `hops[${i}]`);
    if (workload !== undefined && opts.trustDomains !== undefined)
      checkTrustDomainAllowed(workload, opts.trustDomains, `hops[${i}].spiffeId`);
  }
  checkScopes(hops);
  const frozenHops = Object.freeze([...hops]);
  return Object.freeze({
    root,
    hops: frozenHops,
    actor: frozenHops[frozenHops.length - 1] as AgentHop,
    depth: frozenHops.length,
  });
}

export function maxDepthOf(opts: ChainOptions): number {
  const max = opts.maxDepth ?? DEFAULT_MAX_CHAIN_DEPTH;
  if (!Number.isSafeInteger(max) || max < 1)
    throw new RangeError(`maxDepth must be a positive integer, got \`${max}\``);
  return max;
}

export function checkDepth(depth: number, max: number): void {
  if (depth > max)
    throw new ChainError('depth', `delegation chain has ${depth} agent hops, more than the limit of ${max}`, 'hops');
}

function pathText(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s === '' ? String(p) : `.${String(p)}`;
  return s;
}
