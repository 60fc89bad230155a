/**
 * @module bench/workload
 * Deterministic agent workloads: an entity store (users, agents, groups up to 5 deep, tool
 * servers, tools, the action hierarchy), a policy set of per-agent and per-tool permits with
 * `when`/`unless` conditions on context and resource attributes plus some forbids, and a pool
 * of requests with ~10-attribute contexts and the minimal entity slice each one needs.
 *
 * Sizes: `entities` counts users, agents, groups, servers and tools; the 10 action entities
 * are added on top. Policies may name agents, tools, groups and servers that are not in the
 * store (other tenants' policies): the id universe grows with the policy count so that an
 * agent has a handful of policies whatever the sizes, as in a multi-tenant deployment.
 * Requests are half "derived" (built to fall in the scope of a random policy whose entities
 * are in the store) and half random, so that both allow and deny paths are exercised.
 */
import { Rng } from './rng.js';

export const NS = 'Mandate';

export interface Uid {
  readonly type: string;
  readonly id: string;
}

export interface EntityJson {
  readonly uid: Uid;
  readonly attrs: Record<string, unknown>;
  readonly parents: readonly Uid[];
}

export interface RequestSpec {
  readonly principal: Uid;
  readonly action: Uid;
  readonly resource: Uid;
  readonly context: Record<string, unknown>;
  /** principal, resource, action and all their ancestors (those present in the store). */
  readonly slice: readonly EntityJson[];
}

export interface Workload {
  readonly label: string;
  readonly policyCount: number;
  readonly entityCount: number;
  readonly policies: string;
  /** The same policies, one statement each, in order. */
  readonly policyList: readonly string[];
  readonly entities: readonly EntityJson[];
  readonly requests: readonly RequestSpec[];
}

export const T = {
  user: `${NS}::User`,
  agent: `${NS}::Agent`,
  group: `${NS}::Group`,
  server: `${NS}::Server`,
  tool: `${NS}::Tool`,
  action: `${NS}::Action`,
} as const;

const uid = (type: string, id: string): Uid => ({ type, id });
const ref = (u: Uid): string => `${u.type}::${JSON.stringify(u.id)}`;
const ent = (u: Uid) => ({ __entity: { type: u.type, id: u.id } });

export const LEAF_ACTIONS = [
  'tool.call',
  'file.read',
  'file.write',
  'http.request',
  'shell.exec',
  'secret.use',
] as const;
const ACTION_GROUPS: Record<string, readonly string[]> = {
  read: ['file.read', 'tool.call'],
  write: ['file.write', 'shell.exec'],
  egress: ['http.request', 'secret.use'],
};
const LABELS = ['private', 'untrusted', 'pii', 'external'] as const;
const CHANNELS = ['cli', 'slack', 'web', 'api'] as const;
const REGIONS = ['eu-west-1', 'eu-central-1', 'us-east-1', 'ap-south-1'] as const;
const HOSTS = ['api.github.com', 'docs.python.org', 'pypi.org', 'api.openai.com', 'attacker.example', 'intranet.corp'];
const MODELS = ['claude', 'gpt', 'gemini', 'llama'] as const;

export function actionEntities(): EntityJson[] {
  const out: EntityJson[] = [uid(T.action, 'any')].map((u) => ({ uid: u, attrs: {}, parents: [] }));
  for (const g of Object.keys(ACTION_GROUPS))
    out.push({ uid: uid(T.action, g), attrs: {}, parents: [uid(T.action, 'any')] });
  for (const a of LEAF_ACTIONS) {
    const parents = Object.entries(ACTION_GROUPS)
      .filter(([, members]) => members.includes(a))
      .map(([g]) => uid(T.action, g));
    out.push({ uid: uid(T.action, a), attrs: {}, parents });
  }
  return out;
}

interface Population {
  readonly groups: number;
  readonly servers: number;
  readonly users: number;
  readonly agents: number;
  readonly tools: number;
}

export function population(entities: number): Population {
  const groups = Math.max(1, Math.round(entities * 0.02));
  const servers = Math.max(1, Math.round(entities * 0.01));
  const users = Math.max(1, Math.round(entities * 0.1));
  const agents = Math.max(1, Math.round(entities * 0.4));
  const tools = Math.max(1, entities - groups - servers - users - agents);
  return { groups, servers, users, agents, tools };
}

/** Parent indices with depth ≤ maxDepth: item i may hang under an earlier item of depth < maxDepth. */
function forest(rng: Rng, n: number, maxDepth: number, rootShare: number): { parent: number[]; depth: number[] } {
  const parent: number[] = [];
  const depth: number[] = [];
  const open: number[] = [];
  for (let i = 0; i < n; i++) {
    if (i === 0 || open.length === 0 || rng.chance(rootShare)) {
      parent.push(-1);
      depth.push(1);
    } else {
      const p = rng.pick(open);
      parent.push(p);
      depth.push((depth[p] as number) + 1);
    }
    if ((depth[i] as number) < maxDepth) open.push(i);
  }
  return { parent, depth };
}

export interface Store {
  readonly entities: EntityJson[];
  readonly byKey: Map<string, EntityJson>;
  readonly pop: Population;
  /** group index → store agents under it (transitively). */
  readonly agentsUnderGroup: Map<number, number[]>;
  /** server index → store tools under it (transitively). */
  readonly toolsUnderServer: Map<number, number[]>;
}

export const keyOf = (u: Uid): string => `${u.type}\u0000${u.id}`;
const gId = (i: number) => uid(T.group, `g${i}`);
const sId = (i: number) => uid(T.server, `s${i}`);
const uId = (i: number) => uid(T.user, `u${i}`);
const aId = (i: number) => uid(T.agent, `a${i}`);
const tId = (i: number) => uid(T.tool, `t${i}`);

export function buildStore(rng: Rng, entityCount: number): Store {
  const pop = population(entityCount);
  const entities: EntityJson[] = [];
  const groupTree = forest(rng, pop.groups, 5, 0.15);
  for (let i = 0; i < pop.groups; i++) {
    const p = groupTree.parent[i] as number;
    entities.push({ uid: gId(i), attrs: { name: `group ${i}` }, parents: p < 0 ? [] : [gId(p)] });
  }
  const serverTree = forest(rng, pop.servers, 3, 0.3);
  for (let i = 0; i < pop.servers; i++) {
    const p = serverTree.parent[i] as number;
    entities.push({ uid: sId(i), attrs: { name: `server ${i}` }, parents: p < 0 ? [] : [sId(p)] });
  }
  for (let i = 0; i < pop.users; i++) {
    entities.push({
      uid: uId(i),
      attrs: { dept: `d${i % 17}`, clearance: rng.range(0, 5) },
      parents: [gId(rng.int(pop.groups))],
    });
  }
  const agentGroups: number[][] = [];
  for (let i = 0; i < pop.agents; i++) {
    const first = rng.int(pop.groups);
    const gs = [first];
    if (pop.groups > 1 && rng.chance(0.3)) gs.push((first + 1 + rng.int(pop.groups - 1)) % pop.groups);
    agentGroups.push(gs);
    entities.push({
      uid: aId(i),
      attrs: {
        owner: ent(uId(rng.int(pop.users))),
        clearance: rng.range(0, 5),
        model: rng.pick(MODELS),
        trust: rng.pick(['low', 'medium', 'high']),
      },
      parents: gs.map(gId),
    });
  }
  const toolServer: number[] = [];
  for (let i = 0; i < pop.tools; i++) {
    const s = rng.int(pop.servers);
    toolServer.push(s);
    const attrs: Record<string, unknown> = {
      server: `server ${s}`,
      sensitivity: rng.range(0, 5),
      egress: rng.chance(0.3),
      readOnly: rng.chance(0.5),
      owner: ent(uId(rng.int(pop.users))),
      tags: rng.sample(['fs', 'net', 'db', 'shell', 'search', 'mail'], rng.range(0, 3)),
    };
    if (rng.chance(0.02)) attrs.quarantined = true;
    entities.push({ uid: tId(i), attrs, parents: [sId(s)] });
  }
  entities.push(...actionEntities());

  // Reverse indices for building requests that fall in a policy's scope.
  const ancestorsOf = (tree: { parent: number[] }, i: number): number[] => {
    const out: number[] = [];
    for (let p = i; p >= 0; p = tree.parent[p] as number) out.push(p);
    return out;
  };
  const agentsUnderGroup = new Map<number, number[]>();
  agentGroups.forEach((gs, a) => {
    const seen = new Set<number>();
    for (const g of gs) for (const x of ancestorsOf(groupTree, g)) seen.add(x);
    for (const g of seen) {
      const list = agentsUnderGroup.get(g);
      if (list) list.push(a);
      else agentsUnderGroup.set(g, [a]);
    }
  });
  const toolsUnderServer = new Map<number, number[]>();
  toolServer.forEach((s, t) => {
    for (const x of ancestorsOf(serverTree, s)) {
      const list = toolsUnderServer.get(x);
      if (list) list.push(t);
      else toolsUnderServer.set(x, [t]);
    }
  });
  const byKey = new Map(entities.map((e) => [keyOf(e.uid), e]));
  return { entities, byKey, pop, agentsUnderGroup, toolsUnderServer };
}

/** The scope of a generated policy, as indices (−1: unconstrained), for deriving requests. */
interface PolicyScope {
  readonly agent?: number;
  readonly group?: number;
  readonly tool?: number;
  readonly server?: number;
  readonly actions: readonly string[];
}

const act = (a: string): string => ref(uid(T.action, a));

export interface GeneratedPolicies {
  readonly text: string;
  /** One statement per policy, in order (`policy0`, `policy1`, …). */
  readonly list: readonly string[];
  readonly scopes: readonly PolicyScope[];
}

export function buildPolicies(rng: Rng, policyCount: number, pop: Population): GeneratedPolicies {
  const u = {
    agents: Math.max(pop.agents, Math.ceil(policyCount * 0.25)),
    tools: Math.max(pop.tools, Math.ceil(policyCount * 0.25)),
    groups: Math.max(pop.groups, Math.ceil(policyCount / 50)),
    servers: Math.max(pop.servers, Math.ceil(policyCount / 100)),
  };
  const A = () => rng.int(u.agents);
  const Tl = () => rng.int(u.tools);
  const G = () => rng.int(u.groups);
  const S = () => rng.int(u.servers);
  const out: string[] = [];
  const scopes: PolicyScope[] = [];
  const add = (text: string, scope: PolicyScope) => {
    out.push(text);
    scopes.push(scope);
  };
  // Baseline every deployment has: the lethal-trifecta forbid and a quarantine forbid (type-wide).
  add(
    `@id("trifecta")\nforbid(principal, action in ${act('egress')}, resource)\nwhen { context.labels.contains("private") && context.labels.contains("untrusted") };`,
    { actions: ACTION_GROUPS.egress as string[] },
  );
  add(
    `@id("quarantine")\nforbid(principal, action, resource is ${T.tool})\nwhen { resource has quarantined && resource.quarantined };`,
    { actions: LEAF_ACTIONS },
  );
  type Kind = 'agentTool' | 'agentServer' | 'groupTool' | 'groupRead' | 'toolEgress' | 'agentForbid' | 'groupForbid';
  type Kind2 = Kind | 'serverForbid' | 'ownerPermit';
  const kinds: (readonly [number, Kind2])[] = [
    [30, 'agentTool'],
    [15, 'agentServer'],
    [15, 'groupTool'],
    [10, 'groupRead'],
    [10, 'toolEgress'],
    [7, 'agentForbid'],
    [5, 'groupForbid'],
    [5, 'serverForbid'],
    [3, 'ownerPermit'],
  ];
  while (out.length < policyCount) {
    const n = out.length;
    switch (rng.weighted(kinds)) {
      case 'agentTool': {
        const a = A();
        const t = Tl();
        add(
          `@id("p${n}-agent-tool")\npermit(principal == ${ref(aId(a))}, action == ${act('tool.call')}, resource == ${ref(tId(t))})\nwhen { context.risk < ${rng.range(30, 90)} && context.attested };`,
          { agent: a, tool: t, actions: ['tool.call'] },
        );
        break;
      }
      case 'agentServer': {
        const a = A();
        const s = S();
        const h1 = rng.range(0, 10);
        add(
          `@id("p${n}-agent-server")\npermit(principal == ${ref(aId(a))}, action in [${act('tool.call')}, ${act('file.read')}], resource in ${ref(sId(s))})\nwhen { resource.sensitivity <= ${rng.range(1, 5)} && context.hour >= ${h1} && context.hour < ${h1 + rng.range(6, 14)} };`,
          { agent: a, server: s, actions: ['tool.call', 'file.read'] },
        );
        break;
      }
      case 'groupTool': {
        const g = G();
        const t = Tl();
        add(
          `@id("p${n}-group-tool")\npermit(principal in ${ref(gId(g))}, action == ${act('tool.call')}, resource == ${ref(tId(t))})\nwhen { principal.clearance >= resource.sensitivity }\nunless { context.labels.contains("untrusted") };`,
          { group: g, tool: t, actions: ['tool.call'] },
        );
        break;
      }
      case 'groupRead': {
        const g = G();
        const s = S();
        add(
          `@id("p${n}-group-read")\npermit(principal in ${ref(gId(g))}, action in ${act('read')}, resource in ${ref(sId(s))})\nwhen { context.channel == "${rng.pick(CHANNELS)}" || context.region like "eu-*" };`,
          { group: g, server: s, actions: ACTION_GROUPS.read as string[] },
        );
        break;
      }
      case 'toolEgress': {
        const t = Tl();
        add(
          `@id("p${n}-tool-egress")\npermit(principal, action == ${act('http.request')}, resource == ${ref(tId(t))})\nwhen { resource.egress && context.intentHosts.contains(context.host) };`,
          { tool: t, actions: ['http.request'] },
        );
        break;
      }
      case 'agentForbid': {
        const a = A();
        add(
          `@id("p${n}-agent-forbid")\nforbid(principal == ${ref(aId(a))}, action, resource)\nwhen { context.risk > ${rng.range(70, 95)} };`,
          { agent: a, actions: LEAF_ACTIONS },
        );
        break;
      }
      case 'groupForbid': {
        const g = G();
        add(
          `@id("p${n}-group-forbid")\nforbid(principal in ${ref(gId(g))}, action == ${act('shell.exec')}, resource)\nunless { context.attested && context.session.mfa };`,
          { group: g, actions: ['shell.exec'] },
        );
        break;
      }
      case 'serverForbid': {
        const s = S();
        add(
          `@id("p${n}-server-forbid")\nforbid(principal, action in ${act('egress')}, resource in ${ref(sId(s))})\nwhen { context.labels.containsAll(["private", "external"]) };`,
          { server: s, actions: ACTION_GROUPS.egress as string[] },
        );
        break;
      }
      case 'ownerPermit': {
        const g = G();
        const s = S();
        add(
          `@id("p${n}-owner")\npermit(principal is ${T.agent} in ${ref(gId(g))}, action in ${act('write')}, resource is ${T.tool} in ${ref(sId(s))})\nwhen { principal.owner == resource.owner && !resource.readOnly };`,
          { group: g, server: s, actions: ACTION_GROUPS.write as string[] },
        );
        break;
      }
    }
  }
  return { text: out.join('\n\n'), list: out, scopes };
}

export function randomContext(rng: Rng, actor: Uid): Record<string, unknown> {
  const host = rng.pick(HOSTS);
  const intentHosts = rng.sample(HOSTS, rng.range(0, 3));
  if (rng.chance(0.5) && !intentHosts.includes(host)) intentHosts.push(host);
  return {
    risk: rng.range(0, 100),
    attested: rng.chance(0.8),
    hour: rng.range(0, 23),
    channel: rng.pick(CHANNELS),
    region: rng.pick(REGIONS),
    labels: LABELS.filter(() => rng.chance(0.2)),
    host,
    intentHosts,
    session: { id: `s-${rng.u32().toString(36)}`, mfa: rng.chance(0.7), depth: rng.range(0, 3) },
    actor: ent(actor),
  };
}

/** The request's entities and all their ancestors that the store holds. */
export function sliceFor(store: Store, uids: readonly Uid[]): EntityJson[] {
  const out: EntityJson[] = [];
  const seen = new Set<string>();
  const stack = [...uids];
  while (stack.length > 0) {
    const u = stack.pop() as Uid;
    const k = keyOf(u);
    if (seen.has(k)) continue;
    seen.add(k);
    const e = store.byKey.get(k);
    if (e === undefined) continue;
    out.push(e);
    stack.push(...e.parents);
  }
  return out;
}

export function buildRequests(rng: Rng, store: Store, policies: GeneratedPolicies, count: number): RequestSpec[] {
  const { pop } = store;
  // Policies whose scope a store entity can satisfy.
  const targetable = policies.scopes.filter(
    (s) =>
      (s.agent === undefined || s.agent < pop.agents) &&
      (s.group === undefined || (store.agentsUnderGroup.get(s.group)?.length ?? 0) > 0) &&
      (s.tool === undefined || s.tool < pop.tools) &&
      (s.server === undefined || (store.toolsUnderServer.get(s.server)?.length ?? 0) > 0),
  );
  const out: RequestSpec[] = [];
  for (let i = 0; i < count; i++) {
    let agent = rng.int(pop.agents);
    let tool = rng.int(pop.tools);
    let action: string = rng.pick(LEAF_ACTIONS);
    if (targetable.length > 0 && rng.chance(0.5)) {
      const s = rng.pick(targetable);
      if (s.agent !== undefined) agent = s.agent;
      else if (s.group !== undefined) agent = rng.pick(store.agentsUnderGroup.get(s.group) as number[]);
      if (s.tool !== undefined) tool = s.tool;
      else if (s.server !== undefined) tool = rng.pick(store.toolsUnderServer.get(s.server) as number[]);
      action = rng.pick(s.actions);
    }
    const principal = aId(agent);
    const resource = tId(tool);
    const a = uid(T.action, action);
    out.push({
      principal,
      action: a,
      resource,
      context: randomContext(rng, principal),
      slice: sliceFor(store, [principal, resource, a]),
    });
  }
  return out;
}

/** Entity stores depend only on the seed and the entity count, so policy sizes share them. */
const storeCache = new Map<string, Store>();

export function getStore(entityCount: number, seed: number): Store {
  const key = `${seed}/${entityCount}`;
  let store = storeCache.get(key);
  if (store === undefined) {
    store = buildStore(new Rng(seed ^ Math.imul(entityCount, 104729)), entityCount);
    storeCache.set(key, store);
  }
  return store;
}

export function buildWorkload(policyCount: number, entityCount: number, requestCount: number, seed: number): Workload {
  const store = getStore(entityCount, seed);
  const rng = new Rng(seed ^ Math.imul(policyCount, 7919) ^ Math.imul(entityCount, 31337));
  const policies = buildPolicies(rng, policyCount, store.pop);
  const requests = buildRequests(rng, store, policies, requestCount);
  return {
    label: `${fmtCount(policyCount)} policies × ${fmtCount(entityCount)} entities`,
    policyCount,
    entityCount,
    policies: policies.text,
    policyList: policies.list,
    entities: store.entities,
    requests,
  };
}

export function fmtCount(n: number): string {
  if (n >= 1000 && n % 1000 === 0) return `${n / 1000}k`;
  return String(n);
}
