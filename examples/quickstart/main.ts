/**
 * Quickstart: an agent acting for alice asks Mandate before each tool call.
 * Run with `pnpm demo` from the repository root.
 */
import { readFileSync } from 'node:fs';
import { Authorizer } from '@mandate/core';

const here = (f: string) => new URL(f, import.meta.url);
const authz = new Authorizer({
  policies: readFileSync(here('policies.cedar'), 'utf8'),
  entities: JSON.parse(readFileSync(here('entities.json'), 'utf8')),
  idAnnotation: true,
});

const agent = { type: 'Agent', id: 'coder' };
const user = { __entity: { type: 'User', id: 'alice' } };
const steps = [
  { what: 'read /workspace/main.py', action: 'file.read', resource: { type: 'File', id: 'main.py' }, labels: [] },
  { what: 'write /workspace/main.py', action: 'file.write', resource: { type: 'File', id: 'main.py' }, labels: [] },
  { what: 'read /workspace/.env', action: 'file.read', resource: { type: 'File', id: 'dotenv' }, labels: [] },
  { what: 'read ~/.ssh/id_rsa', action: 'file.read', resource: { type: 'File', id: 'ssh-key' }, labels: [] },
  { what: 'GET docs.python.org', action: 'http.request', resource: { type: 'Host', id: 'docs' }, labels: [] },
  { what: 'POST attacker.example', action: 'http.request', resource: { type: 'Host', id: 'attacker' }, labels: [] },
  {
    what: 'GET docs.python.org after reading private data and an untrusted page',
    action: 'http.request',
    resource: { type: 'Host', id: 'docs' },
    labels: ['private', 'untrusted'],
  },
];

let allowed = 0;
for (const s of steps) {
  const d = authz.authorize({
    principal: agent,
    action: { type: 'Action', id: s.action },
    resource: s.resource,
    context: { user, risk: 10, labels: s.labels },
  });
  if (d.decision === 'allow') allowed++;
  const why = d.reasons.length ? d.reasons.join(', ') : 'no permit matched (default deny)';
  console.log(`${d.decision.toUpperCase().padEnd(5)}  ${s.what.padEnd(72)} ${why}`);
}
console.log(`\n${allowed} allowed, ${steps.length - allowed} denied`);
