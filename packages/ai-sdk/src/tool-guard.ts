/**
 * @module tool-guard
 * `ToolGuard`: AI SDK tools whose every call is decided by a `SessionGuard` — with the
 * delegation chain, session and intent the agent host supplies, never anything the model
 * says — before the tool's `execute` runs.
 *
 * A wrapped tool keeps its description, schema and everything else; it gains a
 * `needsApproval` that asks Mandate (see `approval-flow.ts` for how needs-approval maps onto
 * the SDK's approval requests) and an `execute` that runs the original only when Mandate
 * allows the call. A call is decided once: when `needsApproval` decided it (and recorded it,
 * if allowed), `execute` uses that decision for the same call id and input instead of
 * deciding, and recording, again. Labels read from the output are recorded after the run.
 */
import {
  type ApprovalObligation,
  digestOf,
  type GuardOutcome,
  type GuardRequest,
  type SessionGuard,
  type ToolInput,
} from '@mandate/session';
import type { ModelMessage, Tool, ToolExecutionOptions, ToolSet } from 'ai';
import { isApprovalRerun } from './approval-flow.js';
import { denialError, denialOutput } from './denial.js';
import { MandateToolError, messageOf } from './errors.js';

/** Who calls, in which session, under which intent: a `GuardRequest` without the call itself. */
export type ToolCallContext = Omit<GuardRequest, 'tool' | 'input' | 'approval'>;

/** A tool call as the SDK presents it. */
export interface ToolCallInfo {
  readonly tool: string;
  readonly input: unknown;
  readonly toolCallId: string;
  readonly messages: readonly ModelMessage[];
  readonly experimental_context: unknown;
}

/**
 * What a call Mandate does not allow gives: `'throw'` (default) a {@link MandateToolError}
 * (the SDK reports it to the model as a tool error); `'result'` a {@link DenialOutput} as the
 * tool's output; or a function's return value.
 */
export type DenyMode = 'throw' | 'result' | ((outcome: GuardOutcome, call: ToolCallInfo) => unknown);

export interface ToolGuardOptions {
  readonly guard: SessionGuard;
  /** The call's chain, session id, intent, session facts — or a function of the call giving them (e.g. from `experimental_context`). */
  readonly context: ToolCallContext | ((call: ToolCallInfo) => ToolCallContext | Promise<ToolCallContext>);
  readonly onDeny?: DenyMode | undefined;
  /** The guard's registry name for a tool's key in the tool set (default: the same). */
  readonly toolName?: ((name: string) => string) | undefined;
  /** Another source of approval tokens (besides {@link ToolGuard.approve}), e.g. read from `experimental_context`. */
  readonly approval?: ((call: ToolCallInfo) => string | undefined) | undefined;
  /** Decisions and obligations kept between `needsApproval` and `execute`, at most (default 1,000; oldest dropped). */
  readonly maxPending?: number | undefined;
}

interface Decided {
  readonly outcome: GuardOutcome;
  readonly request: GuardRequest;
  readonly tool: string;
  readonly digest: string | undefined;
}

export class ToolGuard {
  readonly guard: SessionGuard;
  readonly #opts: ToolGuardOptions;
  readonly #max: number;
  // Keyed by tool call id: decisions made by needsApproval for execute to use, obligations
  // waiting for a human, and approvals given for them.
  readonly #decided = new Map<string, Decided>();
  readonly #obligations = new Map<string, ApprovalObligation>();
  readonly #approvals = new Map<string, string>();

  constructor(opts: ToolGuardOptions) {
    this.guard = opts.guard;
    this.#opts = opts;
    this.#max = opts.maxPending ?? 1000;
  }

  /** Guard every tool of a tool set (same keys, same types). */
  tools<T extends ToolSet>(tools: T): T {
    const out: Record<string, unknown> = {};
    for (const [name, t] of Object.entries(tools)) out[name] = this.tool(name, t as Tool);
    return out as T;
  }

  /**
   * Guard one tool, named as in the tool set. Throws {@link MandateToolError} of kind
   * `config` for a tool this process does not execute (no `execute`, or provider-executed).
   */
  tool<T extends Tool>(name: string, t: T): T {
    const original = t.execute as ((input: unknown, options: ToolExecutionOptions) => unknown) | undefined;
    if (typeof original !== 'function' || t.type === 'provider')
      throw new MandateToolError(
        'config',
        name,
        `tool \`${name}\` has no \`execute\` here (client- or provider-executed): mandate cannot guard it`,
      );
    const originalNeeds = t.needsApproval;
    const needsApproval = async (input: unknown, options: Omit<ToolExecutionOptions, 'abortSignal'>) => {
      const call = this.#call(name, input, options);
      // The run after a human approved: execute decides, with the approval (see approval-flow).
      if (this.#approvals.has(call.toolCallId) || isApprovalRerun(call.messages, call.toolCallId)) return true;
      if (typeof originalNeeds === 'function' ? await originalNeeds(input as never, options) : originalNeeds === true)
        return true;
      const decided = await this.#decide(call, undefined);
      if (decided.outcome.outcome === 'needs-approval') {
        this.#keep(this.#obligations, call.toolCallId, decided.outcome.obligations[0] as ApprovalObligation);
        return true;
      }
      this.#keep(this.#decided, call.toolCallId, decided);
      return false;
    };
    const gate = async (input: unknown, options: ToolExecutionOptions) => {
      const call = this.#call(name, input, options);
      const decided = this.#take(call) ?? (await this.#decide(call, this.#approvalFor(call)));
      this.#approvals.delete(call.toolCallId);
      if (decided.outcome.outcome === 'needs-approval')
        this.#keep(this.#obligations, call.toolCallId, decided.outcome.obligations[0] as ApprovalObligation);
      else this.#obligations.delete(call.toolCallId);
      return { call, decided };
    };
    const record = async (decided: Decided, output: unknown) => {
      try {
        await this.guard.record({ sessionId: decided.request.sessionId, tool: decided.request.tool, output });
      } catch (e) {
        // Labels not recorded: the model must not see what it would have been tainted by.
        throw new MandateToolError('record', name, `output of \`${name}\` withheld: ${messageOf(e)}`, { cause: e });
      }
    };

    let execute: (input: unknown, options: ToolExecutionOptions) => unknown;
    if (isAsyncGeneratorFunction(original)) {
      // Streaming tools (preliminary results) stay streaming.
      const self = this;
      execute = async function* (input, options) {
        const { call, decided } = await gate(input, options);
        if (decided.outcome.outcome !== 'allow') {
          yield self.#deny(decided.outcome, call);
          return;
        }
        let last: unknown;
        for await (const v of original(input, options) as AsyncIterable<unknown>) {
          last = v;
          yield v;
        }
        await record(decided, last);
      };
    } else
      execute = async (input, options) => {
        const { call, decided } = await gate(input, options);
        if (decided.outcome.outcome !== 'allow') return this.#deny(decided.outcome, call);
        const output = await original(input, options);
        await record(decided, output);
        return output;
      };
    return { ...t, needsApproval, execute } as T;
  }

  /** Give the signed approval for a call that needed one; its next run (`execute`) uses it, once. */
  approve(toolCallId: string, approvalToken: string): void {
    this.#keep(this.#approvals, toolCallId, approvalToken);
  }

  /** What a human must approve for a call that needs approval: show its `reasons`, have its `binding` signed. */
  obligation(toolCallId: string): ApprovalObligation | undefined {
    return this.#obligations.get(toolCallId);
  }

  #call(tool: string, input: unknown, options: Omit<ToolExecutionOptions, 'abortSignal'>): ToolCallInfo {
    return {
      tool,
      input,
      toolCallId: options.toolCallId,
      messages: options.messages,
      experimental_context: options.experimental_context,
    };
  }

  async #decide(call: ToolCallInfo, approval: string | undefined): Promise<Decided> {
    const ctx = typeof this.#opts.context === 'function' ? await this.#opts.context(call) : this.#opts.context;
    const request: GuardRequest = {
      ...ctx,
      tool: this.#opts.toolName?.(call.tool) ?? call.tool,
      // A non-object input is passed as is: the guard denies it (tool input must be an object).
      input: call.input as ToolInput,
      ...(approval === undefined ? {} : { approval }),
    };
    return { outcome: await this.guard.check(request), request, tool: call.tool, digest: digest(call.input) };
  }

  /** The decision `needsApproval` made for this very call (same id, tool and input), once. */
  #take(call: ToolCallInfo): Decided | undefined {
    const d = this.#decided.get(call.toolCallId);
    if (d === undefined) return undefined;
    this.#decided.delete(call.toolCallId);
    const same = d.tool === call.tool && d.digest !== undefined && d.digest === digest(call.input);
    return same ? d : undefined;
  }

  #approvalFor(call: ToolCallInfo): string | undefined {
    return this.#approvals.get(call.toolCallId) ?? this.#opts.approval?.(call);
  }

  #deny(outcome: GuardOutcome, call: ToolCallInfo): unknown {
    const mode = this.#opts.onDeny ?? 'throw';
    if (mode === 'throw') throw denialError(call.tool, outcome);
    if (mode === 'result') return denialOutput(call.tool, outcome);
    return mode(outcome, call);
  }

  #keep<V>(map: Map<string, V>, key: string, value: V): void {
    map.delete(key);
    map.set(key, value);
    // Maps keep insertion order: the first key is the oldest.
    while (map.size > this.#max) map.delete(map.keys().next().value as string);
  }
}

/** Guard every tool of a tool set with one `ToolGuard` (for approvals, keep the guard: `new ToolGuard(opts).tools(tools)`). */
export function guardTools<T extends ToolSet>(tools: T, opts: ToolGuardOptions): T {
  return new ToolGuard(opts).tools(tools);
}

function digest(input: unknown): string | undefined {
  try {
    return digestOf(input, 'input');
  } catch {
    return undefined;
  }
}

function isAsyncGeneratorFunction(f: unknown): boolean {
  return Object.prototype.toString.call(f) === '[object AsyncGeneratorFunction]';
}
