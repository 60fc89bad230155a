/**
 * @module gateway
 * The gateway: the only place a secret reference becomes a credential. It asks the
 * authorizer whether the delegation chain may use this secret (`secret.use`) at this
 * destination, in this context, for every principal of the chain (`authorizeChain`); if so it
 * issues a short-lived, single-use grant bound to the secret and the destination; releasing
 * the grant resolves the secret from its vault — or mints a short-lived token from it — and
 * records the release. Every grant, release and refusal goes to the audit sink.
 *
 * Nothing here is reachable by the agent: the agent holds references and calls tools; the
 * tools (host code) hold the gateway.
 */
import { randomUUID } from 'node:crypto';
import type { Authorizer } from '@mandate/core';
import {
  type AuthorizeChainOptions,
  authorizeChain,
  type ChainDecision,
  DEFAULT_NAMESPACE,
  type DelegationChain,
} from '@mandate/identity';
import { type AuditEvent, type AuditSink, auditHops, auditReasons } from './audit.js';
import { Credential } from './credential.js';
import { type Destination, destinationOf, destinationText, sameDestination } from './destination.js';
import { GrantError, type SecretRefError, VaultError } from './errors.js';
import type { Grant, GrantOutcome } from './grant.js';
import { parseSecretRef, type SecretRef } from './reference.js';
import { parseSecretRecord } from './secret.js';
import type { Vault } from './vault.js';

export const DEFAULT_GRANT_TTL_SECONDS = 30;
export const MAX_GRANT_TTL_SECONDS = 300;
/** Context attributes the gateway sets from the destination; a caller may not supply them. */
export const DESTINATION_CONTEXT_KEYS = ['host', 'origin', 'method', 'path'] as const;

export interface GatewayOptions {
  readonly authorizer: Authorizer;
  /** Vault name (the first segment of a reference) → vault. */
  readonly vaults: Readonly<Record<string, Vault>> | ReadonlyMap<string, Vault>;
  readonly audit?: AuditSink | undefined;
  /** Lifetime of a grant (default 30 s, at most 300 s). */
  readonly grantTtlSeconds?: number | undefined;
  /** Cedar namespace and chain limits, as for `authorizeChain`. */
  readonly chainOptions?: AuthorizeChainOptions | undefined;
  /** Clock in epoch milliseconds (for tests). */
  readonly now?: (() => number) | undefined;
}

/** One intended use of a secret. */
export interface SecretUseRequest {
  readonly chain: DelegationChain;
  /** The reference the agent holds (`secret://vault/name`). */
  readonly ref: string;
  readonly url: string | URL;
  /** Default `GET`. */
  readonly method?: string | undefined;
  /**
   * The rest of the Cedar context (`session`, `intent`, …). `chain` comes from the chain and
   * `host`, `origin`, `method`, `path` from the destination; none of them may be given.
   */
  readonly context?: Readonly<Record<string, unknown>> | undefined;
}

interface GrantState {
  readonly grant: Grant;
  readonly chain: DelegationChain;
  readonly ref: SecretRef;
  used: boolean;
}

export class Gateway {
  readonly #authorizer: Authorizer;
  readonly #vaults: ReadonlyMap<string, Vault>;
  readonly #audit: AuditSink | undefined;
  readonly #ttl: number;
  readonly #chainOptions: AuthorizeChainOptions;
  readonly #now: () => number;
  readonly #grants = new Map<string, GrantState>();

  constructor(options: GatewayOptions) {
    const ttl = options.grantTtlSeconds ?? DEFAULT_GRANT_TTL_SECONDS;
    if (!Number.isFinite(ttl) || ttl <= 0 || ttl > MAX_GRANT_TTL_SECONDS)
      throw new RangeError(`grantTtlSeconds must be in (0, ${MAX_GRANT_TTL_SECONDS}], got \`${ttl}\``);
    this.#authorizer = options.authorizer;
    this.#vaults =
      options.vaults instanceof Map
        ? new Map(options.vaults)
        : new Map(Object.entries(options.vaults as Readonly<Record<string, Vault>>));
    this.#audit = options.audit;
    this.#ttl = ttl * 1000;
    this.#chainOptions = options.chainOptions ?? {};
    this.#now = options.now ?? Date.now;
  }

  /**
   * Ask for a grant without throwing: the authorizer decides `secret.use` of `ref` at the
   * destination for every principal of the chain. Allowed → a grant; otherwise why not.
   * Either way the outcome is audited.
   */
  async check(req: SecretUseRequest): Promise<GrantOutcome> {
    let ref: SecretRef;
    let destination: Destination;
    try {
      ref = parseSecretRef(req.ref);
      destination = destinationOf(req.url, req.method).destination;
    } catch (e) {
      const error = e as GrantError | SecretRefError;
      await this.#refusal('grant', String(req.ref), undefined, req.chain, undefined, error);
      return { ok: false, error };
    }
    const given = req.context ?? {};
    for (const k of ['chain', ...DESTINATION_CONTEXT_KEYS])
      if (Object.hasOwn(given, k)) {
        const error = new GrantError('request', `\`context.${k}\` is set by the gateway and may not be given`);
        await this.#refusal('grant', ref.ref, destination, req.chain, undefined, error);
        return { ok: false, error };
      }
    const decision = authorizeChain(
      this.#authorizer,
      req.chain,
      {
        action: 'secret.use',
        resource: { type: this.#secretType(), id: ref.ref },
        context: {
          ...given,
          host: destination.host,
          origin: destination.origin,
          method: destination.method,
          path: destination.path,
        },
      },
      this.#chainOptions,
    );
    if (decision.decision !== 'allow') {
      const error = new GrantError(
        'denied',
        `use of \`${ref.ref}\` for \`${destinationText(destination)}\` ${decision.message}`,
        decision,
      );
      await this.#refusal('grant', ref.ref, destination, req.chain, decision, error);
      return { ok: false, error };
    }
    const issuedAt = this.#now();
    const grant: Grant = Object.freeze({
      id: randomUUID(),
      ref: ref.ref,
      destination,
      issuedAt,
      expiresAt: issuedAt + this.#ttl,
      decision,
    });
    this.#sweep(issuedAt);
    this.#grants.set(grant.id, { grant, chain: req.chain, ref, used: false });
    try {
      await this.#emit(
        this.#event('grant', 'grant', ref.ref, destination, req.chain, decision, decision.message, grant),
      );
    } catch {
      this.#grants.delete(grant.id);
      const error = new GrantError('audit', `the grant for \`${ref.ref}\` could not be recorded; not issued`);
      return { ok: false, error };
    }
    return { ok: true, grant };
  }

  /** As {@link check}, but throws the `GrantError` (or `SecretRefError`) on refusal. */
  async grant(req: SecretUseRequest): Promise<Grant> {
    const r = await this.check(req);
    if (!r.ok) throw r.error;
    return r.grant;
  }

  /**
   * Release the credential for a grant issued by this gateway: once, before it expires, and
   * only for the destination it was issued for (`at`, when given, must match). Throws
   * `GrantError` (`unknown`, `used`, `expired`, `destination`, `audit`) or `VaultError`; every
   * refusal is audited.
   */
  async release(
    grant: Grant,
    at?: { readonly url: string | URL; readonly method?: string | undefined },
    signal?: AbortSignal,
  ): Promise<Credential> {
    const state = this.#grants.get(grant?.id);
    const ref = typeof grant?.ref === 'string' ? grant.ref : '';
    if (state === undefined || state.grant !== grant)
      throw await this.#refusal(
        'release',
        ref,
        undefined,
        undefined,
        undefined,
        new GrantError('unknown', `grant \`${String(grant?.id)}\` was not issued by this gateway`),
      );
    const { chain } = state;
    const { decision, destination } = grant;
    const refuse = async (e: GrantError | VaultError) =>
      this.#refusal('release', ref, destination, chain, decision, e, grant.id);
    if (state.used) throw await refuse(new GrantError('used', `grant \`${grant.id}\` was already used`));
    if (this.#now() >= grant.expiresAt) {
      this.#grants.delete(grant.id);
      throw await refuse(new GrantError('expired', `grant \`${grant.id}\` for \`${ref}\` has expired`));
    }
    if (at !== undefined) {
      let asked: Destination;
      try {
        asked = destinationOf(at.url, at.method).destination;
      } catch (e) {
        throw await refuse(e as GrantError);
      }
      if (!sameDestination(asked, destination))
        throw await refuse(
          new GrantError(
            'destination',
            `grant \`${grant.id}\` is for \`${destinationText(destination)}\`, not \`${destinationText(asked)}\``,
          ),
        );
    }
    // Spent before the first await: two concurrent releases of one grant cannot both succeed.
    // The spent grant stays (until swept after expiry) so a replay is reported as `used`.
    state.used = true;

    let credential: Credential;
    try {
      const vault = this.#vaults.get(state.ref.vault);
      if (vault === undefined) throw new VaultError('unknown-vault', `no vault \`${state.ref.vault}\` for \`${ref}\``);
      const record = parseSecretRecord(
        await vault.resolve(state.ref.name, { chain, destination, signal }),
        state.ref.name,
      );
      credential = await Credential.fromRecord(grant.id, state.ref.name, record, destination, this.#now());
    } catch (e) {
      throw await refuse(
        e instanceof VaultError
          ? e
          : new VaultError('io', `secret \`${ref}\` could not be resolved: ${e instanceof Error ? e.name : 'error'}`),
      );
    }
    if (this.#now() >= grant.expiresAt)
      throw await refuse(new GrantError('expired', `grant \`${grant.id}\` for \`${ref}\` expired during release`));
    try {
      await this.#emit(
        this.#event(
          'release',
          'release',
          ref,
          destination,
          chain,
          decision,
          `released for ${destinationText(destination)}`,
          grant,
        ),
      );
    } catch {
      throw new GrantError('audit', `the release for \`${ref}\` could not be recorded; not released`);
    }
    return credential;
  }

  /**
   * @internal Record a refusal that happened outside a grant or release (a redirect that
   * would carry the credential elsewhere); returns the error for throwing.
   */
  async refuse<E extends Error & { kind: string }>(
    stage: AuditEvent['stage'],
    grant: Grant | undefined,
    ref: string,
    chain: DelegationChain | undefined,
    error: E,
  ): Promise<E> {
    return this.#refusal(stage, ref, grant?.destination, chain, grant?.decision, error, grant?.id);
  }

  #secretType(): string {
    const ns = this.#chainOptions.namespace ?? DEFAULT_NAMESPACE;
    return ns === '' ? 'Secret' : `${ns}::Secret`;
  }

  #sweep(now: number): void {
    if (this.#grants.size < 256) return;
    for (const [id, s] of this.#grants) if (now >= s.grant.expiresAt) this.#grants.delete(id);
  }

  async #refusal<E extends Error & { kind: string }>(
    stage: AuditEvent['stage'],
    ref: string,
    destination: Destination | undefined,
    chain: DelegationChain | undefined,
    decision: ChainDecision | undefined,
    error: E,
    grantId?: string,
  ): Promise<E> {
    const event: AuditEvent = {
      ...this.#event('refusal', stage, ref, destination, chain, decision, error.message, undefined),
      decision: 'deny',
      ...(grantId !== undefined ? { grantId } : {}),
      error: { name: error.name, kind: error.kind },
    };
    try {
      await this.#emit(event);
    } catch {
      // A refusal stands whether or not it could be recorded; the caller gets the refusal.
    }
    return error;
  }

  #event(
    type: AuditEvent['type'],
    stage: AuditEvent['stage'],
    ref: string,
    destination: Destination | undefined,
    chain: DelegationChain | undefined,
    decision: ChainDecision | undefined,
    message: string,
    grant: Grant | undefined,
  ): AuditEvent {
    return {
      type,
      time: new Date(this.#now()).toISOString(),
      stage,
      ref,
      destination:
        destination === undefined
          ? undefined
          : { origin: destination.origin, method: destination.method, path: destination.path },
      chain:
        chain === undefined
          ? undefined
          : { root: chain.root.id, actor: chain.actor.id, agents: chain.hops.map((h) => h.id) },
      decision: decision?.decision ?? 'deny',
      reasons: decision === undefined ? [] : auditReasons(decision),
      hops: decision === undefined ? [] : auditHops(decision),
      message,
      ...(grant !== undefined ? { grantId: grant.id, expiresAt: new Date(grant.expiresAt).toISOString() } : {}),
    };
  }

  async #emit(event: AuditEvent): Promise<void> {
    if (this.#audit !== undefined) await this.#audit(event);
  }
}
