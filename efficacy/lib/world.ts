/**
 * @module efficacy/lib/world
 * The reference deployment the efficacy suite and the demo run in: the baseline policy
 * library (`policies/baseline/`, validated strictly against the agent schema), the registry
 * of users, agents and tools shared with the policy tests (`policies/tests/entities.json`),
 * the tool registry that says which tools read private data, ingest untrusted content or send
 * data out, and signing keys for the user's wallet and the approval service — generated at
 * run time, so no key material lives in the repository.
 *
 * Imports go to the packages' sources by relative path: the repository root has no
 * `@mandate/*` dependencies to resolve package names against (see efficacy/README.md).
 */
import { webcrypto } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Authorizer, validatePolicies } from '../../packages/core/src/index.js';
import { SessionGuard, type ToolSpec } from '../../packages/session/src/index.js';

export const ROOT = join(import.meta.dirname, '..', '..');
export const BASELINE_DIR = join(ROOT, 'policies', 'baseline');
export const SCHEMA_FILE = join(ROOT, 'policies', 'schema', 'mandate.cedarschema');
export const ENTITIES_FILE = join(ROOT, 'policies', 'tests', 'entities.json');
export const TRACES_DIR = join(ROOT, 'efficacy', 'traces');

export const WALLET_ISSUER = 'https://wallet.example.com';
export const APPROVAL_ISSUER = 'https://approvals.example.com';
export const AUDIENCE = 'https://mandate.example.com';

/** The baseline library as one policy text, files in name order; throws unless it validates strictly. */
export function loadBaseline(): { text: string; files: string[]; schema: string } {
  const schema = readFileSync(SCHEMA_FILE, 'utf8');
  const files = readdirSync(BASELINE_DIR)
    .filter((f) => f.endsWith('.cedar'))
    .sort();
  const text = files.map((f) => readFileSync(join(BASELINE_DIR, f), 'utf8')).join('\n');
  const res = validatePolicies(text, schema);
  if (!res.passed)
    throw new Error(
      `the baseline does not validate: ${res.errors.map((e) => `${e.policyId}: ${e.message}`).join('; ')}`,
    );
  return { text, files, schema };
}

/** Output text that shows a secret leaked into the session anyway (labels it `secret`). */
const SECRET_MARKERS = ['PRIVATE KEY-----', 'AWS_SECRET_ACCESS_KEY', 'api_key='];
const secretLabels = (output: unknown): string[] =>
  typeof output === 'string' && SECRET_MARKERS.some((m) => output.includes(m)) ? ['secret'] : [];

/**
 * The tools. Their Cedar facts (`readOnly`, `egress`, `sensitivity`, `server`) are the
 * registry's `Tool` entities in entities.json, which win over what the guard would derive:
 * the guard derives `readOnly` from `egress` alone, which is wrong for local writes and shell.
 */
export const TOOLS: Readonly<Record<string, ToolSpec>> = {
  read_file: { readsPrivate: true, outputLabels: secretLabels },
  write_file: {},
  shell: { outputLabels: secretLabels },
  fetch: { ingestsUntrusted: true, egress: true, groups: ['web'] },
  http_post: { egress: true, groups: ['web'] },
  pay: { egress: true, transaction: true, groups: ['payments'] },
  deploy: { groups: ['ops'] },
};

export interface Signer {
  readonly privateKey: webcrypto.CryptoKey;
  readonly publicKey: webcrypto.CryptoKey;
}

/** An ES256 key pair from WebCrypto, made fresh for each run. */
export async function makeSigner(): Promise<Signer> {
  const pair = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  return { privateKey: pair.privateKey, publicKey: pair.publicKey };
}

export interface World {
  readonly guard: SessionGuard;
  /** Signs the user's intent mandates. */
  readonly wallet: Signer;
  /** Signs human approvals. */
  readonly approver: Signer;
  /** Ids of the baseline's policies, for reports. */
  readonly policyIds: readonly string[];
}

/** The guard over the baseline, with fresh keys. One world per run; sessions keep traces apart. */
export async function createWorld(): Promise<World> {
  const { text, schema } = loadBaseline();
  const entities = JSON.parse(readFileSync(ENTITIES_FILE, 'utf8')) as unknown[];
  const authorizer = new Authorizer({ policies: text, schema, entities, idAnnotation: true });
  const [wallet, approver] = await Promise.all([makeSigner(), makeSigner()]);
  const guard = new SessionGuard({
    authorizer,
    tools: TOOLS,
    intents: { key: wallet.publicKey, issuer: WALLET_ISSUER, audience: AUDIENCE },
    approvals: { key: approver.publicKey, issuer: APPROVAL_ISSUER, audience: AUDIENCE },
  });
  const policyIds = authorizer.policySet.staticIR.map((ir) => ir.annotations.id ?? ir.id);
  return { guard, wallet, approver, policyIds };
}
