/**
 * @module bench/adversarial
 * Workloads built to find the tails: type-wide policies that every request must evaluate
 * (their scope is only `principal is Agent`, so no scope index can skip them), a
 * 200-attribute context, and a 1,000-deep group hierarchy.
 */
import { Rng } from './rng.js';
import {
  actionEntities,
  type EntityJson,
  getStore,
  keyOf,
  LEAF_ACTIONS,
  NS,
  type RequestSpec,
  randomContext,
  type Store,
  sliceFor,
  T,
  type Uid,
  type Workload,
} from './workload.js';

const uid = (type: string, id: string): Uid => ({ type, id });
const ref = (u: Uid): string => `${u.type}::${JSON.stringify(u.id)}`;
const act = (a: string): string => ref(uid(T.action, a));

const BASELINE = [
  `forbid(principal, action in ${act('egress')}, resource)\nwhen { context.labels.contains("private") && context.labels.contains("untrusted") };`,
  `forbid(principal, action, resource is ${T.tool})\nwhen { resource has quarantined && resource.quarantined };`,
];

function randomRequests(
  rng: Rng,
  store: Store,
  count: number,
  context: (actor: Uid) => Record<string, unknown>,
): RequestSpec[] {
  const out: RequestSpec[] = [];
  for (let i = 0; i < count; i++) {
    const principal = uid(T.agent, `a${rng.int(store.pop.agents)}`);
    const resource = uid(T.tool, `t${rng.int(store.pop.tools)}`);
    const action = uid(T.action, rng.pick(LEAF_ACTIONS));
    out.push({
      principal,
      action,
      resource,
      context: context(principal),
      slice: sliceFor(store, [principal, resource, action]),
    });
  }
  return out;
}

function workload(label: string, store: Store, list: string[], requests: RequestSpec[]): Workload {
  return {
    label,
    policyCount: list.length,
    entityCount: store.entities.length,
    policies: list.join('\n\n'),
    policyList: list,
    entities: store.entities,
    requests,
  };
}

/** `count` policies scoped only by `principal is Agent`: every request evaluates all of them. */
export function typeWide(seed: number, count: number, entities: number, requests: number): Workload {
  const store = getStore(entities, seed);
  const rng = new Rng(seed ^ 0x7e1de);
  const labels = ['private', 'untrusted', 'pii', 'external'];
  const list = [...BASELINE];
  while (list.length < count) {
    list.push(
      `permit(principal is ${T.agent}, action, resource)\nwhen { context.risk < ${rng.range(5, 40)} && resource.sensitivity <= ${rng.range(0, 3)} }\nunless { context.labels.contains("${rng.pick(labels)}") };`,
    );
  }
  return workload(
    `${count} type-wide policies × ${entities} entities`,
    store,
    list,
    randomRequests(rng, store, requests, (a) => randomContext(rng, a)),
  );
}

/** Ten policies over a context of 200 attributes (the usual ten plus 190 more of mixed types). */
export function wideContext(seed: number, entities: number, requests: number, width = 200): Workload {
  const store = getStore(entities, seed);
  const rng = new Rng(seed ^ 0xc0a7e);
  const extra = width - 10;
  const kindOf = (i: number) => i % 4;
  const extraValue = (i: number): unknown => {
    switch (kindOf(i)) {
      case 0:
        return `v${rng.int(5)}`;
      case 1:
        return rng.int(100);
      case 2:
        return rng.chance(0.5);
      default:
        return rng.sample(['x0', 'x1', 'x2', 'x3', 'x4', 'x5'], 3);
    }
  };
  const list = [...BASELINE];
  while (list.length < 10) {
    const [s, n, b, set] = [0, 1, 2, 3].map((k) => 4 * rng.int(Math.floor(extra / 4)) + k) as [
      number,
      number,
      number,
      number,
    ];
    list.push(
      `permit(principal, action == ${act(rng.pick(LEAF_ACTIONS))}, resource)\nwhen { context.f${s} == "v${rng.int(5)}" && context.f${n} < ${rng.range(20, 80)} && context.f${b} && context.f${set}.contains("x${rng.int(6)}") };`,
    );
  }
  const context = (a: Uid) => {
    const c = randomContext(rng, a);
    for (let i = 0; i < extra; i++) c[`f${i}`] = extraValue(i);
    return c;
  };
  return workload(
    `10 policies, ${width}-attribute context`,
    store,
    list,
    randomRequests(rng, store, requests, context),
  );
}

/** Agents at the bottom of a `depth`-long chain of groups; policies anchored at random depths. */
export function deepHierarchy(seed: number, depth: number, requests: number): Workload {
  const rng = new Rng(seed ^ 0xdee9);
  const entities: EntityJson[] = [];
  const g = (i: number) => uid(T.group, `g${i}`);
  for (let i = 0; i < depth; i++) entities.push({ uid: g(i), attrs: { level: i }, parents: i === 0 ? [] : [g(i - 1)] });
  const agents = 10;
  const tools = 10;
  for (let i = 0; i < agents; i++) {
    entities.push({
      uid: uid(T.agent, `a${i}`),
      attrs: { clearance: rng.range(0, 5), owner: { __entity: { type: T.user, id: 'u0' } } },
      parents: [g(depth - 1)],
    });
  }
  entities.push({ uid: uid(T.server, 's0'), attrs: {}, parents: [] });
  for (let i = 0; i < tools; i++) {
    entities.push({
      uid: uid(T.tool, `t${i}`),
      attrs: { sensitivity: rng.range(0, 5), egress: rng.chance(0.5) },
      parents: [uid(T.server, 's0')],
    });
  }
  entities.push(...actionEntities());
  const store: Store = {
    entities,
    byKey: new Map(entities.map((e) => [keyOf(e.uid), e])),
    pop: { groups: depth, servers: 1, users: 0, agents, tools },
    agentsUnderGroup: new Map(),
    toolsUnderServer: new Map(),
  };
  const list = [...BASELINE];
  list.push(
    `forbid(principal in ${ref(g(0))}, action == ${act('shell.exec')}, resource)\nunless { context.attested };`,
  );
  while (list.length < 10) {
    list.push(
      `permit(principal in ${ref(g(rng.int(depth)))}, action == ${act('tool.call')}, resource == ${ref(uid(T.tool, `t${rng.int(tools)}`))})\nwhen { context.risk < 80 && principal.clearance >= resource.sensitivity };`,
    );
  }
  return workload(
    `${depth}-deep group hierarchy`,
    store,
    list,
    randomRequests(rng, store, requests, (a) => randomContext(rng, a)),
  );
}

export { NS };
