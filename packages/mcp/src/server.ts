/**
 * @module server
 * Guarding an MCP server: every `tools/call` is decided by a `SessionGuard` before the tool's
 * handler runs, and `tools/list` shows a caller only the tools it could be allowed to call.
 *
 * The guard sits on the server's request handlers rather than on each tool's callback, so no
 * tool can be left out: `attach(server)` intercepts the `tools/call` and `tools/list`
 * handlers that `McpServer` installs (through the public `Server.setRequestHandler`) when its
 * first tool is registered — which is why a server must be guarded before any tool is
 * registered. Tools registered later, removed or re-enabled are covered all the same.
 *
 * A call is decided with the identity from the verified bearer token (`extra.authInfo`), the
 * tool's arguments as the client sent them (→ `context.input`; their digest is what an
 * approval binds to), the session and the user's intent. Allowed: the handler runs, and
 * labels read from its output are recorded. Otherwise the client gets a tool error result
 * whose `_meta["mandate/decision"]` says why (and, for needs-approval, what to approve).
 */
import { createHash } from 'node:crypto';
import {
  type GuardOutcome,
  type GuardRequest,
  type SessionFacts,
  SessionGuard,
  type SessionGuardOptions,
  type ToolInput,
  type VerifiedIntent,
} from '@mandate/session';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  type CallToolRequest,
  CallToolRequestSchema,
  type CallToolResult,
  type ListToolsRequest,
  ListToolsRequestSchema,
  type ListToolsResult,
  type ServerNotification,
  type ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';
import { McpGuardError, messageOf } from './errors.js';
import { type Authenticate, authenticate, type CallerIdentity } from './identity.js';
import {
  APPROVAL_META_KEY,
  DECISION_META_KEY,
  decisionMeta,
  INTENT_META_KEY,
  metaString,
  refusalResult,
  unauthenticatedDecision,
} from './result.js';

export type ServerExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** A request as the guard's hooks see it: who (verified), with which `_meta`, over which transport. */
export interface McpRequestInfo {
  readonly identity: CallerIdentity;
  /** The request's `_meta` (client-supplied: read signed tokens from it, never identity). */
  readonly meta: Readonly<Record<string, unknown>> | undefined;
  readonly extra: ServerExtra;
  /** The MCP tool name (for `tools/list` previews, the tool being previewed). */
  readonly tool: string;
  /** The tool's arguments (`{}` for previews unless `listInput` says otherwise). */
  readonly arguments: ToolInput;
}

export interface McpServerGuardOptions {
  /** The session guard, or the options to build one. */
  readonly guard: SessionGuard | SessionGuardOptions;
  /** How to read the caller's chain from the bearer token: `verifyDelegationToken` options, or a resolver. */
  readonly authenticate: Authenticate;
  /**
   * The session a call belongs to. Default: one session per verified (root user, actor) pair
   * and transport session (`mcp-session-id` over Streamable HTTP), so taint never crosses
   * identities.
   */
  readonly sessionId?: ((info: McpRequestInfo) => string) | undefined;
  /** The user's intent mandate. Default: the token in `_meta["mandate/intent"]` (verified by the guard; its `sub` must be the chain's root). */
  readonly intent?: ((info: McpRequestInfo) => string | VerifiedIntent | undefined) | undefined;
  /** Runtime facts for `context.session` (`ip`, a verified `attestation`, `risk`, …). */
  readonly session?: ((info: McpRequestInfo) => SessionFacts | undefined) | undefined;
  /** Further context for actions other than `tool.call` (e.g. `method`, `url`). */
  readonly context?: ((info: McpRequestInfo) => Readonly<Record<string, unknown>> | undefined) | undefined;
  /** The guard's registry name for an MCP tool name (default: the same). */
  readonly toolName?: ((mcpName: string) => string) | undefined;
  /** Filter `tools/list` (default true). */
  readonly filterList?: boolean | undefined;
  /** The input a tool is previewed with for `tools/list` (default `{}`). */
  readonly listInput?: ((tool: string) => ToolInput) | undefined;
  /** Send `notifications/tools/list_changed` when a call adds taint labels, since the filtered list may shrink (default true). */
  readonly notifyListChanged?: boolean | undefined;
}

type Handler = (request: unknown, extra: ServerExtra) => unknown;

/** Decides every `tools/call` of the servers it is attached to; filters their `tools/list`. */
export class McpServerGuard {
  /** The guard deciding (and recording) calls. */
  readonly guard: SessionGuard;
  readonly #opts: McpServerGuardOptions;
  readonly #attached = new WeakSet<McpServer>();

  constructor(opts: McpServerGuardOptions) {
    if (typeof opts !== 'object' || opts === null) throw new McpGuardError('config', 'options must be an object');
    if (opts.authenticate === undefined)
      throw new McpGuardError('config', '`authenticate` is required: identity comes only from a verified token');
    this.#opts = opts;
    this.guard = opts.guard instanceof SessionGuard ? opts.guard : new SessionGuard(opts.guard);
  }

  /**
   * Guard `server`: call before registering its first tool. Throws {@link McpGuardError} of
   * kind `config` when the server already has tool handlers (they would run unguarded).
   */
  attach(server: McpServer): this {
    if (this.#attached.has(server)) throw new McpGuardError('config', 'this server is already guarded');
    const inner = server.server;
    for (const method of ['tools/call', 'tools/list'])
      try {
        inner.assertCanSetRequestHandler(method);
      } catch (e) {
        throw new McpGuardError(
          'config',
          `guard the server before registering tools: \`${method}\` already has a handler`,
          { cause: e },
        );
      }
    const set = inner.setRequestHandler.bind(inner) as (schema: unknown, handler: Handler) => void;
    // McpServer installs its tool handlers through this method (on first registration), as
    // does anyone setting them by hand: both get the guarded versions.
    const patched = (schema: unknown, handler: Handler): void => {
      const method = methodOf(schema);
      if (schema === CallToolRequestSchema || method === 'tools/call')
        set(schema, (req, extra) => this.#call(server, req as CallToolRequest, extra, handler));
      else if (schema === ListToolsRequestSchema || method === 'tools/list')
        set(schema, (req, extra) => this.#list(req as ListToolsRequest, extra, handler));
      else set(schema, handler);
    };
    inner.setRequestHandler = patched as typeof inner.setRequestHandler;
    this.#attached.add(server);
    return this;
  }

  /**
   * Decide one call for a request's caller (and record it when allowed), as `tools/call`
   * does. Returns the outcome, or the refusal result when the caller is not authenticated.
   */
  async authorize(
    tool: string,
    args: ToolInput,
    extra: ServerExtra,
    meta?: Readonly<Record<string, unknown>>,
  ): Promise<{ outcome: GuardOutcome; request: GuardRequest } | { refused: CallToolResult }> {
    let identity: CallerIdentity;
    try {
      identity = await authenticate(this.#opts.authenticate, extra.authInfo);
    } catch (e) {
      return { refused: refusalResult(unauthenticatedDecision(tool, messageOf(e))) };
    }
    const info: McpRequestInfo = { identity, meta, extra, tool, arguments: args };
    const request = this.#request(info, metaString(meta, APPROVAL_META_KEY));
    return { outcome: await this.guard.check(request), request };
  }

  /**
   * The tools of `names` the request's caller could be allowed to call now: decided with the
   * session's current state, without recording, each with `listInput(tool)` (default `{}`) as
   * input and no approval. A tool is visible when the decision is `allow` or
   * `needs-approval` (a human can let it through). An unauthenticated caller sees none.
   */
  async visibleTools(
    names: readonly string[],
    extra: ServerExtra,
    meta?: Readonly<Record<string, unknown>>,
  ): Promise<Set<string>> {
    let identity: CallerIdentity;
    try {
      identity = await authenticate(this.#opts.authenticate, extra.authInfo);
    } catch {
      return new Set();
    }
    const seen = await Promise.all(
      names.map(async (tool) => {
        const args = this.#opts.listInput?.(tool) ?? {};
        // A preview: decided on the session as it is, nothing recorded.
        const request = this.#request({ identity, meta, extra, tool, arguments: args }, undefined);
        const o = await this.guard.check(request, { record: false });
        return o.outcome !== 'deny';
      }),
    );
    return new Set(names.filter((_, i) => seen[i]));
  }

  #request(info: McpRequestInfo, approval: string | undefined): GuardRequest {
    const o = this.#opts;
    const intent = o.intent !== undefined ? o.intent(info) : metaString(info.meta, INTENT_META_KEY);
    const session = o.session?.(info);
    const context = o.context?.(info);
    return {
      sessionId: o.sessionId?.(info) ?? defaultSessionId(info),
      tool: this.#toolName(info.tool),
      input: info.arguments,
      chain: info.identity.chain,
      ...(intent === undefined ? {} : { intent }),
      ...(session === undefined ? {} : { session }),
      ...(context === undefined ? {} : { context }),
      ...(approval === undefined ? {} : { approval }),
    };
  }

  #toolName(name: string): string {
    return this.#opts.toolName?.(name) ?? name;
  }

  async #call(server: McpServer, req: CallToolRequest, extra: ServerExtra, next: Handler): Promise<unknown> {
    const name = req.params.name;
    const args: ToolInput = req.params.arguments ?? {};
    const decided = await this.authorize(name, args, extra, req.params._meta);
    if ('refused' in decided) return decided.refused;
    const { outcome, request } = decided;
    if (outcome.outcome !== 'allow') return refusalResult(decisionMeta(name, outcome));

    const result = await next(req, extra);
    let labelsAfter: readonly string[];
    try {
      labelsAfter = await this.guard.record({ sessionId: request.sessionId, tool: request.tool, output: result });
    } catch (e) {
      // The output's labels could not be recorded: the model must not see what it would
      // have been tainted by, so the output is withheld (the tool did run).
      return {
        isError: true,
        content: [
          { type: 'text', text: `mandate withheld the output of \`${name}\`: its labels could not be recorded` },
        ],
        _meta: {
          [DECISION_META_KEY]: { ...decisionMeta(name, outcome), message: `record failed: ${messageOf(e)}` },
        },
      } satisfies CallToolResult;
    }
    if ((this.#opts.notifyListChanged ?? true) && (this.#opts.filterList ?? true)) {
      const changed = outcome.added.length > 0 || labelsAfter.some((l) => !outcome.labels.includes(l));
      if (changed && server.isConnected()) server.sendToolListChanged();
    }
    return result;
  }

  async #list(req: ListToolsRequest, extra: ServerExtra, next: Handler): Promise<unknown> {
    const listed = (await next(req, extra)) as ListToolsResult;
    if (this.#opts.filterList === false) return listed;
    const visible = await this.visibleTools(
      listed.tools.map((t) => t.name),
      extra,
      req.params?._meta,
    );
    return { ...listed, tools: listed.tools.filter((t) => visible.has(t.name)) };
  }
}

/** Guard `server` (before registering its tools); returns the guard. */
export function guardMcpServer(server: McpServer, opts: McpServerGuardOptions): McpServerGuard {
  return new McpServerGuard(opts).attach(server);
}

/** One session per verified (root, actor) and transport session; hashed, so ids of any length fit. */
export function defaultSessionId(info: Pick<McpRequestInfo, 'identity' | 'extra'>): string {
  const { chain } = info.identity;
  const key = JSON.stringify([chain.root.id, chain.actor.id, info.extra.sessionId ?? null]);
  return `mcp:${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
}

/** The JSON-RPC method a request schema accepts (zod 3 and 4 literals), or `undefined`. */
function methodOf(schema: unknown): string | undefined {
  try {
    const shape = (schema as { shape?: Record<string, unknown> } | undefined)?.shape;
    const lit = shape?.method as { value?: unknown; _def?: { value?: unknown } } | undefined;
    const v = lit?.value ?? lit?._def?.value;
    return typeof v === 'string' ? v : undefined;
  } catch {
    // A schema of another shape (or a literal of several values) is not one of ours.
    return undefined;
  }
}
