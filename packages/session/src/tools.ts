/**
 * @module tools
 * The tool registry: what each tool is, in the terms taint tracking needs. A tool may read
 * private data (the user's files, mail, secrets), ingest untrusted content (web pages, email,
 * files from outside) and send data out or change state (egress). Those three facts are the
 * "lethal trifecta"; the labels they give a session are sticky, and policies forbid egress
 * once private and untrusted are both present.
 *
 * A tool's facts come from whoever deploys it, never from the agent: the registry is fixed
 * when the guard is built. A tool that is not registered is refused (fail closed).
 */
import { GuardError } from './errors.js';
import type { CallScope } from './scope.js';

/** The label a session gets from a tool that reads private data. */
export const PRIVATE_DATA = 'private-data';
/** The label a session gets from a tool that ingests untrusted content. */
export const UNTRUSTED_CONTENT = 'untrusted-content';

/** The arguments of a tool call, as the agent gave them. */
export type ToolInput = Readonly<Record<string, unknown>>;

export interface ToolSpec {
  /** The Cedar action a call is decided as (default `tool.call`). */
  readonly action?: string | undefined;
  /** The resource (default the `Tool` entity named after the tool). */
  readonly resource?: ((input: ToolInput) => { readonly type: string; readonly id: string }) | undefined;
  /** Reads private data: calls add {@link PRIVATE_DATA}. */
  readonly readsPrivate?: boolean | undefined;
  /** Ingests untrusted content: calls add {@link UNTRUSTED_CONTENT}. */
  readonly ingestsUntrusted?: boolean | undefined;
  /** Sends data out or changes state outside the session. */
  readonly egress?: boolean | undefined;
  /**
   * Changes nothing (the `Tool` entity's `readOnly`). Default: true unless the tool has
   * `egress` or `writes`.
   */
  readonly readOnly?: boolean | undefined;
  /** Changes local state (files, processes): such a tool is not read-only. */
  readonly writes?: boolean | undefined;
  /** Further labels every call adds (e.g. `secret`). */
  readonly labels?: readonly string[] | undefined;
  /** Labels read from a call's output, applied by `SessionGuard.record`. */
  readonly outputLabels?: ((output: unknown) => readonly string[]) | undefined;
  /** Groups an intent may name instead of the tool (`payments`, `web`). */
  readonly groups?: readonly string[] | undefined;
  /** The history counter this tool counts under (default its name); tools sharing one share a rate limit. */
  readonly counter?: string | undefined;
  /** Spends money: under a closed intent, calls need the approved cart. */
  readonly transaction?: boolean | undefined;
  /**
   * Where a call reaches. Default: `input.path` (a path), the host of `input.url`,
   * `input.host`, and `input.amount` with `input.currency` (minor units).
   */
  readonly scope?: ((input: ToolInput) => CallScope) | undefined;
  /**
   * The action-specific part of the Cedar context. Default for `tool.call`: `{ input }`
   * with the schema's `ToolInput` fields that are strings (`host` taken from `url` when
   * absent); for other actions, nothing (the caller's `context` supplies it).
   */
  readonly context?: ((input: ToolInput) => Record<string, unknown>) | undefined;
  /** Facts for the `Tool` entity added when the authorizer does not hold one: `server` (default `local`), `sensitivity` (default 2 when it reads private data, else 0). */
  readonly server?: string | undefined;
  readonly sensitivity?: number | undefined;
}

/** A tool as the guard uses it: the spec with defaults filled in. */
export interface RegisteredTool {
  readonly name: string;
  readonly action: string;
  readonly spec: ToolSpec;
  /** Labels every call adds. */
  readonly callLabels: readonly string[];
  readonly egress: boolean;
  readonly groups: readonly string[];
  readonly counter: string;
}

const TOOL_INPUT_FIELDS = ['path', 'url', 'host', 'command', 'query', 'text'] as const;

/** The tools a guard knows. */
export class ToolRegistry {
  readonly #tools = new Map<string, RegisteredTool>();

  constructor(tools: Readonly<Record<string, ToolSpec>> | ReadonlyMap<string, ToolSpec> = {}) {
    const entries = tools instanceof Map ? [...tools] : Object.entries(tools);
    for (const [name, spec] of entries) this.#add(name, spec);
  }

  #add(name: string, spec: ToolSpec): void {
    if (name === '') throw new GuardError('config', 'a tool name must not be empty', 'tools');
    if (this.#tools.has(name)) throw new GuardError('config', `tool \`${name}\` is registered twice`, `tools.${name}`);
    const labels = new Set<string>(spec.labels ?? []);
    if (spec.readsPrivate) labels.add(PRIVATE_DATA);
    if (spec.ingestsUntrusted) labels.add(UNTRUSTED_CONTENT);
    for (const l of labels)
      if (typeof l !== 'string' || l === '')
        throw new GuardError('config', `label \`${String(l)}\` must be a non-empty string`, `tools.${name}.labels`);
    this.#tools.set(name, {
      name,
      action: spec.action ?? 'tool.call',
      spec,
      callLabels: Object.freeze([...labels]),
      egress: spec.egress ?? false,
      groups: Object.freeze([...(spec.groups ?? [])]),
      counter: spec.counter ?? name,
    });
  }

  get(name: string): RegisteredTool | undefined {
    return this.#tools.get(name);
  }

  get names(): string[] {
    return [...this.#tools.keys()];
  }

  /** Cedar entity JSON for every tool decided as a `Tool` resource (namespace given, `''` for none). */
  entities(namespace: string): unknown[] {
    const type = namespace === '' ? 'Tool' : `${namespace}::Tool`;
    const out: unknown[] = [];
    for (const t of this.#tools.values()) {
      if (t.spec.resource !== undefined) continue;
      out.push({
        uid: { type, id: t.name },
        attrs: {
          server: t.spec.server ?? 'local',
          readOnly: t.spec.readOnly ?? !(t.egress || (t.spec.writes ?? false)),
          egress: t.egress,
          sensitivity: t.spec.sensitivity ?? (t.spec.readsPrivate ? 2 : 0),
        },
        parents: [],
      });
    }
    return out;
  }
}

/** The default {@link ToolSpec.scope}: `input.path`, `input.url`'s host, `input.host`, `input.amount`/`input.currency`. */
export function defaultScope(input: ToolInput): CallScope {
  const paths: string[] = [];
  const hosts: string[] = [];
  const path = input.path;
  if (path !== undefined) {
    if (typeof path !== 'string') throw new GuardError('input', 'a path must be a string', 'input.path');
    paths.push(path);
  }
  const url = input.url;
  if (url !== undefined) hosts.push(hostOfUrl(url, 'input.url'));
  const host = input.host;
  if (host !== undefined) {
    if (typeof host !== 'string' || host === '')
      throw new GuardError('input', 'a host must be a non-empty string', 'input.host');
    hosts.push(host);
  }
  const scope: { paths: string[]; hosts: string[]; amount?: bigint; currency?: string } = { paths, hosts };
  if (input.amount !== undefined) scope.amount = readAmount(input.amount, 'input.amount');
  if (input.currency !== undefined) {
    if (typeof input.currency !== 'string')
      throw new GuardError('input', 'a currency must be a string', 'input.currency');
    scope.currency = input.currency;
  }
  return scope;
}

/** The default {@link ToolSpec.context} for `tool.call`: the schema's `ToolInput` record. */
export function defaultToolContext(input: ToolInput): Record<string, unknown> {
  const rec: Record<string, unknown> = {};
  for (const f of TOOL_INPUT_FIELDS) {
    const v = input[f];
    if (typeof v === 'string') rec[f] = v;
  }
  if (rec.host === undefined && typeof input.url === 'string') {
    const h = tryHost(input.url);
    if (h !== undefined) rec.host = h;
  }
  return { input: rec };
}

/** The host name of a URL. Throws {@link GuardError} of kind `input` when it is not a URL with a host. */
export function hostOfUrl(url: unknown, path: string): string {
  if (typeof url !== 'string') throw new GuardError('input', 'a URL must be a string', path);
  const h = tryHost(url);
  if (h === undefined) throw new GuardError('input', `\`${url.slice(0, 200)}\` is not a URL with a host`, path);
  return h;
}

function tryHost(url: string): string | undefined {
  try {
    const h = new URL(url).hostname;
    return h === '' ? undefined : h;
  } catch {
    return undefined;
  }
}

/** An amount in minor units: a bigint, a safe non-negative integer or a decimal string. */
export function readAmount(v: unknown, path: string): bigint {
  if (typeof v === 'bigint' && v >= 0n) return v;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === 'string' && /^(0|[1-9][0-9]{0,18})$/.test(v)) return BigInt(v);
  throw new GuardError('input', `\`${String(v)}\` is not a non-negative integer amount in minor units`, path);
}
