/**
 * @module test/spiffe
 * SPIFFE IDs as the SPIFFE ID specification (§2) defines them: the parser accepts canonical
 * IDs only and says what is wrong with the others; agents named by SPIFFE IDs are held to a
 * trust-domain allow list wherever a chain is built.
 */
import { describe, expect, it } from 'vitest';
import {
  agentHopFromSpiffeId,
  buildChain,
  ChainError,
  checkChain,
  isSpiffeId,
  parseSpiffeId,
  parseTrustDomain,
  SPIFFE_ID_MAX_LENGTH,
  SpiffeIdError,
  TRUST_DOMAIN_MAX_LENGTH,
} from '../src/index.js';

function spiffeError(f: () => unknown): SpiffeIdError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SpiffeIdError);
    return e as SpiffeIdError;
  }
  throw new Error('expected a SpiffeIdError');
}

function chainError(f: () => unknown): ChainError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ChainError);
    return e as ChainError;
  }
  throw new Error('expected a ChainError');
}

describe('parseSpiffeId', () => {
  it('parses trust domain, path and segments', () => {
    expect(parseSpiffeId('spiffe://corp.example/ns/prod/sa/coder')).toEqual({
      id: 'spiffe://corp.example/ns/prod/sa/coder',
      trustDomain: 'corp.example',
      path: '/ns/prod/sa/coder',
      segments: ['ns', 'prod', 'sa', 'coder'],
    });
    expect(parseSpiffeId('spiffe://corp.example')).toMatchObject({ trustDomain: 'corp.example', path: '' });
  });

  it.each([
    'spiffe://example.org/9eebccd2-12bf-40a6-b262-65fe0487d453',
    'spiffe://k8s-west.example.com/ns/staging/sa/default',
    'spiffe://trust_domain_name.example.com/A_b-C.d',
    'spiffe://10.0.0.1/workload', // dotted quads are valid trust domain names (§2.1)
    'spiffe://td/...', // `...` is a name, not a relative segment
    'spiffe://td/.hidden',
  ])('accepts %s', (id) => expect(isSpiffeId(id)).toBe(true));

  it.each([
    ['', 'empty'],
    ['https://corp.example/a', 'scheme'],
    ['SPIFFE://corp.example/a', 'scheme'],
    ['spiffe:/corp.example/a', 'scheme'],
    ['spiffe://', 'trust-domain'],
    ['spiffe:///a', 'trust-domain'],
    ['spiffe://Corp.example/a', 'trust-domain'],
    ['spiffe://corp example/a', 'trust-domain'],
    ['spiffe://[::1]/a', 'trust-domain'],
    ['spiffe://cörp.example/a', 'trust-domain'],
    ['spiffe://user@corp.example/a', 'authority'],
    ['spiffe://corp.example:8443/a', 'authority'],
    ['spiffe://corp.example/a?x=1', 'query'],
    ['spiffe://corp.example?x=1', 'query'],
    ['spiffe://corp.example/a#frag', 'fragment'],
    ['spiffe://corp.example/a%2Fb', 'percent-encoding'],
    ['spiffe://corp%2Eexample/a', 'percent-encoding'],
    ['spiffe://corp.example/a//b', 'path'],
    ['spiffe://corp.example//a', 'path'],
    ['spiffe://corp.example/a/', 'path'],
    ['spiffe://corp.example/', 'path'],
    ['spiffe://corp.example/a/./b', 'path'],
    ['spiffe://corp.example/a/../b', 'path'],
    ['spiffe://corp.example/..', 'path'],
    ['spiffe://corp.example/a b', 'path'],
    ['spiffe://corp.example/a+b', 'path'],
    ['spiffe://corp.example/a\nb', 'path'],
    ['spiffe://corp.example/caf\u00e9', 'path'],
  ])('refuses %j (%s)', (id, kind) => {
    const e = spiffeError(() => parseSpiffeId(id));
    expect(e.kind).toBe(kind);
    expect(e.input).toBe(id);
    expect(e.message).toMatch(/^`.*` is not a SPIFFE ID: [a-z]/s);
  });

  it('says what and where', () => {
    expect(spiffeError(() => parseSpiffeId('spiffe://Corp.example/a'))).toMatchObject({
      index: 9,
      message: '`spiffe://Corp.example/a` is not a SPIFFE ID: the trust domain must be lowercase (`C` at index 9)',
    });
    expect(spiffeError(() => parseSpiffeId('spiffe://corp.example/a/../b')).message).toBe(
      '`spiffe://corp.example/a/../b` is not a SPIFFE ID: the path has a `..` segment (relative segments are not allowed)',
    );
    // control characters are shown escaped: the message stays one line
    const nl = spiffeError(() => parseSpiffeId('spiffe://corp.example/a\nb')).message;
    expect(nl).toContain('spiffe://corp.example/a\\u000ab');
    expect(nl).not.toContain('\n');
  });

  it('requires a path for a workload when asked', () => {
    expect(spiffeError(() => parseSpiffeId('spiffe://corp.example', { requirePath: true })).kind).toBe('no-path');
    expect(isSpiffeId('spiffe://corp.example', { requirePath: true })).toBe(false);
    expect(isSpiffeId(42)).toBe(false);
  });

  it('enforces the length limits (2048 in all, 255 for the trust domain)', () => {
    const prefix = 'spiffe://td/';
    const longest = prefix + 'a'.repeat(SPIFFE_ID_MAX_LENGTH - prefix.length);
    expect(isSpiffeId(longest)).toBe(true);
    expect(spiffeError(() => parseSpiffeId(`${longest}b`)).kind).toBe('length');
    const td = 'a'.repeat(TRUST_DOMAIN_MAX_LENGTH);
    expect(isSpiffeId(`spiffe://${td}/w`)).toBe(true);
    expect(spiffeError(() => parseSpiffeId(`spiffe://${td}a/w`)).kind).toBe('length');
    // a megabyte of input is refused by its length alone, and the message stays short
    const e = spiffeError(() => parseSpiffeId(`spiffe://td/${'a'.repeat(1 << 20)}`));
    expect(e.kind).toBe('length');
    expect(e.message.length).toBeLessThan(200);
  });

  it('keeps trust domains such as __proto__ as data', () => {
    expect(parseSpiffeId('spiffe://__proto__/constructor').trustDomain).toBe('__proto__');
  });
});

describe('parseTrustDomain', () => {
  it('accepts names and refuses anything else', () => {
    expect(parseTrustDomain('corp.example')).toBe('corp.example');
    expect(spiffeError(() => parseTrustDomain('Corp')).message).toMatch(/^`Corp` is not a trust domain name/);
    expect(spiffeError(() => parseTrustDomain('corp.example/a')).kind).toBe('trust-domain');
    expect(spiffeError(() => parseTrustDomain('corp.example:443')).kind).toBe('authority');
    expect(spiffeError(() => parseTrustDomain('')).kind).toBe('trust-domain');
  });
});

describe('agent hops from SPIFFE IDs', () => {
  it('builds an unattested hop in an allowed trust domain', () => {
    const hop = agentHopFromSpiffeId('spiffe://corp.example/agents/coder', {
      trustDomains: ['corp.example'],
      owner: 'ops',
      scope: ['files:read'],
    });
    expect(hop).toEqual({
      id: 'spiffe://corp.example/agents/coder',
      spiffeId: 'spiffe://corp.example/agents/coder',
      scope: ['files:read'],
      attested: false,
      owner: 'ops',
      groups: [],
      issuer: undefined,
    });
  });

  it('refuses other trust domains, invalid IDs and trust-domain IDs', () => {
    const e = chainError(() => agentHopFromSpiffeId('spiffe://evil.example/coder', { trustDomains: ['corp.example'] }));
    expect(e.kind).toBe('trust-domain');
    expect(e.message).toContain('trust domain `evil.example`, which is not allowed (allowed: `corp.example`)');
    expect(chainError(() => agentHopFromSpiffeId('spiffe://corp.example/a', { trustDomains: [] })).kind).toBe(
      'trust-domain',
    );
    expect(
      chainError(() => agentHopFromSpiffeId('spiffe://corp.example', { trustDomains: ['corp.example'] })).kind,
    ).toBe('invalid');
  });

  it('holds chains to the allow list wherever they are built', () => {
    const input = {
      root: { id: 'alice' },
      hops: [{ id: 'planner' }, { id: 'spiffe://evil.example/coder' }],
    };
    expect(buildChain(input).actor.spiffeId).toBe('spiffe://evil.example/coder');
    expect(chainError(() => buildChain(input, { trustDomains: ['corp.example'] }))).toMatchObject({
      kind: 'trust-domain',
      path: 'hops[1].spiffeId',
    });
    const named = { root: { id: 'alice' }, hops: [{ id: 'coder', spiffeId: 'spiffe://evil.example/coder' }] };
    expect(chainError(() => buildChain(named, { trustDomains: ['corp.example'] })).kind).toBe('trust-domain');
    // a hand-built chain too
    const hop = agentHopFromSpiffeId('spiffe://evil.example/coder', { trustDomains: ['evil.example'] });
    const root = { id: 'alice', groups: [], attrs: {} };
    expect(chainError(() => checkChain(root, [hop], { trustDomains: ['corp.example'] })).kind).toBe('trust-domain');
  });

  it('refuses agent ids that look like SPIFFE IDs but are not valid ones', () => {
    for (const id of ['spiffe://Corp.example/a', 'SPIFFE://corp.example/a', 'spiffe://corp.example/a/../b']) {
      expect(chainError(() => buildChain({ root: { id: 'alice' }, hops: [{ id }] }))).toMatchObject({
        kind: 'invalid',
        path: 'hops[0].id',
      });
    }
    expect(
      chainError(() => buildChain({ root: { id: 'alice' }, hops: [{ id: 'a', spiffeId: 'spiffe://corp.example' }] })),
    ).toMatchObject({ kind: 'invalid', path: 'hops[0].spiffeId' });
  });
});
