/**
 * @module compile/policy-set
 * A compiled policy set: every static and linked policy compiled to closures, templates
 * kept as IR for linking, ids unique. Built from Cedar text or cedar-wasm's `PolicySet`
 * shape (parsed by cedar-wasm), or from already-lowered IR (a bundle), without wasm.
 */
import { PolicyError } from '../errors.js';
import { type ParsedPolicySet, type PolicySetInput, parsePolicySet } from '../frontend/parse.js';
import { lowerPolicy } from '../ir/lower.js';
import type { PolicyIR, SlotName } from '../ir/nodes.js';
import { parseEntityRef } from '../json/index.js';
import type { EntityUID } from '../values/value.js';
import type { EvalEnv } from './env.js';
import { type CompiledPolicy, compilePolicy } from './policy.js';
import { ScopeIndex } from './scope-index.js';

export interface TemplateLinkInput {
  readonly templateId: string;
  readonly newId: string;
  /** Slot (`?principal`, `?resource`) → entity uid, as `{type, id}` or `{__entity: {type, id}}`. */
  readonly values: Readonly<Record<string, unknown>>;
}

export interface CompileOptions {
  /**
   * Use a policy's `@id("…")` annotation as its id (Mandate's main API may; Cedar's own
   * numbering `policy0`, `policy1`, … is the default and what the compatible API uses).
   */
  readonly idAnnotation?: boolean;
  /** Refuse what cedar-wasm's `isAuthorized` refuses (templates inside static policy text). */
  readonly strictCedarWasm?: boolean;
}

function slotUid(v: unknown, linkId: string): EntityUID {
  try {
    return parseEntityRef(v, `value of a slot of link \`${linkId}\``);
  } catch (e) {
    throw new PolicyError('link', `link \`${linkId}\`: ${e instanceof Error ? e.message : String(e)}`, {
      policyId: linkId,
    });
  }
}

function slotsOf(template: PolicyIR, link: TemplateLinkInput): Map<SlotName, EntityUID> {
  const wanted = new Set<SlotName>();
  for (const c of [template.scope.principal, template.scope.resource]) {
    if ((c.op === '==' || c.op === 'in') && 'slot' in c.target) wanted.add(c.target.slot);
    if (c.op === 'is' && c.in !== undefined && 'slot' in c.in) wanted.add(c.in.slot);
  }
  const slots = new Map<SlotName, EntityUID>();
  for (const [name, v] of Object.entries(link.values)) {
    if (name !== '?principal' && name !== '?resource') {
      throw new PolicyError('link', `link \`${link.newId}\`: unknown slot \`${name}\``, { policyId: link.newId });
    }
    if (!wanted.has(name)) {
      throw new PolicyError('link', `link \`${link.newId}\`: template \`${template.id}\` has no slot \`${name}\``, {
        policyId: link.newId,
      });
    }
    slots.set(name, slotUid(v, link.newId));
  }
  for (const name of wanted) {
    if (!slots.has(name)) {
      throw new PolicyError('link', `link \`${link.newId}\`: missing a value for slot \`${name}\``, {
        policyId: link.newId,
      });
    }
  }
  return slots;
}

export class PolicySet {
  /** Static and linked policies, in the order given. */
  readonly policies: readonly CompiledPolicy[];
  /** Templates by id (not evaluated themselves; only their links are). */
  readonly templates: ReadonlyMap<string, PolicyIR>;
  /** IR of the static policies (what a bundle stores). */
  readonly staticIR: readonly PolicyIR[];
  readonly links: readonly TemplateLinkInput[];
  /** The input this set was compiled from (for validation), when it came from text or cedar-wasm's shape. */
  readonly source: PolicySetInput | undefined;
  readonly #byId: Map<string, CompiledPolicy>;
  #index: ScopeIndex | undefined;

  private constructor(
    staticIR: readonly PolicyIR[],
    templates: ReadonlyMap<string, PolicyIR>,
    links: readonly TemplateLinkInput[],
    source?: PolicySetInput,
    /** Already compiled: the statics and the first links of `links` (see {@link PolicySet.link}). */
    reuse?: readonly CompiledPolicy[],
  ) {
    this.source = source;
    const ids = new Set<string>(templates.keys());
    const policies: CompiledPolicy[] = [];
    for (const p of reuse ?? []) {
      ids.add(p.id);
      policies.push(p);
    }
    for (const ir of reuse === undefined ? staticIR : []) {
      if (ids.has(ir.id))
        throw new PolicyError('duplicate-id', `duplicate template or policy id \`${ir.id}\``, { policyId: ir.id });
      ids.add(ir.id);
      policies.push(compilePolicy(ir));
    }
    const linkedAlready = reuse === undefined ? 0 : reuse.length - staticIR.length;
    for (const link of links.slice(linkedAlready)) {
      const t = templates.get(link.templateId);
      if (t === undefined) {
        throw new PolicyError('link', `link \`${link.newId}\`: no template with id \`${link.templateId}\``, {
          policyId: link.newId,
        });
      }
      if (ids.has(link.newId)) {
        throw new PolicyError('duplicate-id', `duplicate template or policy id \`${link.newId}\``, {
          policyId: link.newId,
        });
      }
      ids.add(link.newId);
      policies.push(compilePolicy(t, { id: link.newId, slots: slotsOf(t, link) }));
    }
    this.policies = policies;
    this.templates = templates;
    this.staticIR = staticIR;
    this.links = links;
    this.#byId = new Map(policies.map((p) => [p.id, p]));
  }

  static readonly EMPTY = new PolicySet([], new Map(), []);

  /** Parse (with cedar-wasm), lower and compile. Throws {@link PolicyError}. */
  static compile(input: PolicySetInput, opts: CompileOptions = {}): PolicySet {
    const parsed = parsePolicySet(input, { strictCedarWasm: opts.strictCedarWasm ?? false });
    return PolicySet.fromParsed(parsed, opts, input);
  }

  static fromParsed(parsed: ParsedPolicySet, opts: CompileOptions = {}, source?: PolicySetInput): PolicySet {
    const statics: PolicyIR[] = [];
    const templates = new Map<string, PolicyIR>();
    for (const p of parsed.policies) {
      let id = p.id;
      const ann = (p.est as { annotations?: Record<string, unknown> }).annotations;
      if (opts.idAnnotation && ann && Object.hasOwn(ann, 'id') && typeof ann.id === 'string') id = ann.id;
      const ir = lowerPolicy(id, p.est, p.isTemplate);
      if (p.isTemplate) {
        if (templates.has(id))
          throw new PolicyError('duplicate-id', `duplicate template or policy id \`${id}\``, { policyId: id });
        templates.set(id, ir);
      } else statics.push(ir);
    }
    return new PolicySet(statics, templates, parsed.links, source);
  }

  /** From IR already lowered (e.g. read from a bundle): no parsing, no wasm. */
  static fromIR(
    staticIR: readonly PolicyIR[],
    templates: readonly PolicyIR[] = [],
    links: readonly TemplateLinkInput[] = [],
  ): PolicySet {
    return new PolicySet(staticIR, new Map(templates.map((t) => [t.id, t])), links);
  }

  /** The policies whose scope may match this request (see {@link ScopeIndex}), in order. */
  candidates(env: EvalEnv): readonly CompiledPolicy[] {
    this.#index ??= new ScopeIndex(this.policies);
    return this.#index.candidates(env);
  }

  /**
   * The policies whose scope matches this request (and that a context anchor does not rule
   * out), in order: only their conditions remain to be evaluated. Remembered per entity store
   * and (principal, action, resource); see {@link ScopeIndex.matching}.
   */
  matching(env: EvalEnv): readonly CompiledPolicy[] {
    this.#index ??= new ScopeIndex(this.policies);
    return this.#index.matching(env);
  }

  get(id: string): CompiledPolicy | undefined {
    return this.#byId.get(id);
  }

  /** A new set with one more template link (its `source` is dropped: it no longer describes the set). */
  link(templateId: string, newId: string, values: Readonly<Record<string, unknown>>): PolicySet {
    // Only the new link is compiled; every policy already compiled is shared.
    return new PolicySet(
      this.staticIR,
      this.templates,
      [...this.links, { templateId, newId, values }],
      undefined,
      this.policies,
    );
  }

  get size(): number {
    return this.policies.length;
  }
}
