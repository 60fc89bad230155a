/**
 * @module test/encoded
 * The re-encoded forms of a credential registered for redaction (`encodedForms`): hex both
 * cases, and base64/base64url runs for the three byte alignments, none shorter than
 * MIN_ENCODED_FORM — checked as a property with fast-check: whatever bytes surround a value of
 * 16 bytes or more, their base64, base64url and hex contain one of its forms.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodedForms, MIN_ENCODED_FORM } from '../src/credential.js';
import { Credential, destinationOf, REDACTED } from '../src/index.js';

const SECRET = 'sk_live_51H-abc/DEF+ghi=jkl_0123456789';

const contains = (text: string, forms: readonly string[]) => forms.some((f) => text.includes(f));

describe('encodedForms', () => {
  it('has hex both cases and, per alignment, the base64 run fixed by the value alone', () => {
    const forms = encodedForms(SECRET);
    const bytes = Buffer.from(SECRET, 'utf8');
    expect(forms).toContain(bytes.toString('hex'));
    expect(forms).toContain(bytes.toString('hex').toUpperCase());
    // Alignment 0: the plain base64 less its last, partial character (38 bytes → 50⅔ chars).
    expect(bytes.length).toBe(38);
    expect(forms).toContain(bytes.toString('base64').slice(0, 50));
    expect(forms).toContain(bytes.toString('base64url').slice(0, 50));
    // Alignments 1 and 2: whatever the preceding bytes, the same run appears.
    for (const [a, from, to] of [
      [1, 2, 52],
      [2, 3, 53],
    ] as const) {
      for (const filler of [0x00, 0xff, 0x41]) {
        const b64 = Buffer.concat([Buffer.alloc(a, filler), bytes, Buffer.from([filler])]).toString('base64');
        expect(forms).toContain(b64.slice(from, to));
      }
    }
    for (const f of forms) expect(f.length).toBeGreaterThanOrEqual(MIN_ENCODED_FORM);
    expect(new Set(forms).size).toBe(forms.length);
  });

  it('registers nothing shorter than the minimum: short values give few or no forms', () => {
    expect(encodedForms('abc')).toEqual([]); // hex is 6 chars, base64 runs at most 4
    // 8 bytes: hex (16 chars) qualifies; the base64 runs (10 chars at every alignment) do not.
    expect(encodedForms('12345678').sort()).toEqual(['3132333435363738']);
    const nine = encodedForms('123456789');
    expect(nine).toContain(Buffer.from('123456789').toString('base64')); // 12 chars, aligned
    expect(nine.every((f) => f.length >= MIN_ENCODED_FORM)).toBe(true);
  });

  it('finds a value of 16+ bytes inside base64, base64url and hex of any surrounding bytes', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ minLength: 16, maxLength: 64 }),
          fc.string({ unit: 'binary', minLength: 16, maxLength: 64 }),
          fc.uint8Array({ minLength: 12, maxLength: 48 }).map((b) => Buffer.from(b).toString('base64')),
        ),
        fc.uint8Array({ maxLength: 12 }),
        fc.uint8Array({ maxLength: 12 }),
        (secret, prefix, suffix) => {
          const bytes = Buffer.from(secret, 'utf8');
          fc.pre(bytes.length >= 16);
          const forms = encodedForms(secret);
          const whole = Buffer.concat([prefix, bytes, suffix]);
          expect(contains(whole.toString('base64'), forms)).toBe(true);
          expect(contains(whole.toString('base64url'), forms)).toBe(true);
          expect(contains(whole.toString('hex'), forms)).toBe(true);
          expect(contains(whole.toString('hex').toUpperCase(), forms)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('is part of every credential: its redactor scrubs base64 and hex echoes of value and header', async () => {
    const { destination } = destinationOf('https://api.example.com/v1');
    const c = await Credential.fromRecord('g1', 'api', { value: SECRET }, destination, Date.now());
    const r = c.redactor();
    for (const form of encodedForms(SECRET)) expect(c.sensitiveValues()).toContain(form);
    for (const form of encodedForms(`Bearer ${SECRET}`)) expect(c.sensitiveValues()).toContain(form);
    const echo = JSON.stringify({
      auth: Buffer.from(`Bearer ${SECRET}`).toString('base64'),
      token: Buffer.from(`x${SECRET}`).toString('base64url'),
      hex: Buffer.from(SECRET).toString('hex'),
    });
    const out = r.string(echo);
    expect(r.leaks(out)).toBe(false);
    expect(out.split(REDACTED)).toHaveLength(4);
  });
});
