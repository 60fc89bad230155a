/**
 * @module client
 * Guarding an agent that consumes MCP servers: `callTool` is decided by the agent's own
 * `SessionGuard` before the request is sent, so a denied call never reaches the server, and
 * labels read from an allowed call's result are recorded in the session (a page fetched
 * through an MCP server taints the session like any other).
 *
 * The chain, session and intent come from the agent host (`context`), never from the model's
 * tool arguments.
 */
import type { GuardOutcome, GuardRequest, SessionGuard, ToolInput } from '@mandate/session';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolRequest } from '@modelcontextprotocol/sdk/types.js';
import { McpGuardError } from './errors.js';
import { decisionMeta, refusalResult, refusalText } from './result.js';

/** Who calls, in which session, under which intent: a `GuardRequest` without the call itself. */
export type McpCallContext = Omit<GuardRequest, 'tool' | 'input' | 'approval'>;

export interface McpClientGuardOptions {
  readonly guard: SessionGuard;
  /** The call's context, or a function of the call giving it. */
  readonly context:
    | McpCallContext
    | ((call: { readonly tool: string; readonly arguments: ToolInput }) => McpCallContext | Promise<McpCallContext>);
  /**
   * What a call Mandate does not allow gives: `'result'` (default) an MCP tool error result
   * with `_meta["mandate/decision"]`, as a guarded server would; `'throw'` a
   * {@link McpGuardError} of kind `denied` or `needs-approval`.
   */
  readonly onDeny?: 'result' | 'throw' | undefined;
  /** The guard's registry name for a server's tool name (default: the same), e.g. to prefix the server. */
  readonly toolName?: ((mcpName: string) => string) | undefined;
}

export interface GuardedCallOptions {
  /** An approval token for exactly this call (after a needs-approval). */
  readonly approval?: string | undefined;
  /** The cart of a transaction, for a closed intent. */
  readonly cart?: unknown;
  readonly resultSchema?: Parameters<Client['callTool']>[1];
  readonly requestOptions?: Parameters<Client['callTool']>[2];
}

export type GuardedCallResult = Awaited<ReturnType<Client['callTool']>>;

/** A client whose `callTool` asks Mandate first. */
export class McpClientGuard {
  readonly client: Client;
  readonly guard: SessionGuard;
  readonly #opts: McpClientGuardOptions;

  constructor(client: Client, opts: McpClientGuardOptions) {
    this.client = client;
    this.guard = opts.guard;
    this.#opts = opts;
  }

  /** Decide a call (and record it when allowed) without sending it. */
  async authorize(
    name: string,
    args: ToolInput = {},
    options: Pick<GuardedCallOptions, 'approval' | 'cart'> = {},
  ): Promise<{ outcome: GuardOutcome; request: GuardRequest }> {
    const ctx =
      typeof this.#opts.context === 'function'
        ? await this.#opts.context({ tool: name, arguments: args })
        : this.#opts.context;
    const request: GuardRequest = {
      ...ctx,
      tool: this.#opts.toolName?.(name) ?? name,
      input: args,
      ...(options.approval === undefined ? {} : { approval: options.approval }),
      ...(options.cart === undefined ? {} : { cart: options.cart }),
    };
    return { outcome: await this.guard.check(request), request };
  }

  /** `Client.callTool`, decided first: only an allowed call is sent. */
  async callTool(params: CallToolRequest['params'], options: GuardedCallOptions = {}): Promise<GuardedCallResult> {
    const { outcome, request } = await this.authorize(params.name, params.arguments ?? {}, options);
    if (outcome.outcome !== 'allow') {
      const d = decisionMeta(params.name, outcome);
      if (this.#opts.onDeny === 'throw')
        throw new McpGuardError(outcome.outcome === 'needs-approval' ? 'needs-approval' : 'denied', refusalText(d), {
          decision: d,
        });
      return refusalResult(d);
    }
    const result = await this.client.callTool(params, options.resultSchema, options.requestOptions);
    await this.guard.record({ sessionId: request.sessionId, tool: request.tool, output: result });
    return result;
  }
}

/** Guard `client`'s tool calls. */
export function guardClient(client: Client, opts: McpClientGuardOptions): McpClientGuard {
  return new McpClientGuard(client, opts);
}
