/**
 * @module bench/schema
 * The Cedar schema of the generated agent workloads (namespace `Mandate`), for the schema
 * variant of the decision benchmark: entities and context parsed against it, requests validated.
 */
import { LEAF_ACTIONS } from './workload.js';

const APPLIES = 'appliesTo { principal: [Agent], resource: [Tool], context: RequestContext }';

export const WORKLOAD_SCHEMA = `namespace Mandate {
  entity Group in [Group] { name: String };
  entity Server in [Server] { name: String };
  entity User in [Group] { dept: String, clearance: Long };
  entity Agent in [Group] { owner: User, clearance: Long, model: String, trust: String };
  entity Tool in [Server] {
    server: String, sensitivity: Long, egress: Bool, readOnly: Bool, owner: User,
    tags: Set<String>, quarantined?: Bool
  };
  type RequestContext = {
    risk: Long, attested: Bool, hour: Long, channel: String, region: String,
    labels: Set<String>, host: String, intentHosts: Set<String>,
    session: { id: String, mfa: Bool, depth: Long },
    actor: Agent
  };
  action "any";
  action "read", "write", "egress" in ["any"];
${LEAF_ACTIONS.map((a) => {
  const group =
    a === 'file.read' || a === 'tool.call' ? 'read' : a === 'file.write' || a === 'shell.exec' ? 'write' : 'egress';
  return `  action "${a}" in ["${group}"] ${APPLIES};`;
}).join('\n')}
}
`;
