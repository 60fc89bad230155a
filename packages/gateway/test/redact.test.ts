/**
 * @module test/redact
 * Redaction of strings, headers and streamed bodies — including a secret split across any
 * chunk boundaries, and overlapping variants (leftmost, then longest, wins), checked as
 * properties with fast-check.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDACTED, Redactor } from '../src/index.js';

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

function chunked(text: string, cuts: number[]): ReadableStream<Uint8Array> {
  const bytes = Buffer.from(text, 'utf8');
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...points, bytes.length]) {
    parts.push(new Uint8Array(bytes.subarray(prev, p)));
    prev = p;
  }
  return new ReadableStream({
    start(c) {
      for (const part of parts) c.enqueue(part);
      c.close();
    },
  });
}

describe('Redactor', () => {
  it('replaces every variant, longest first', () => {
    const r = new Redactor(['s3cr3t', 'Bearer s3cr3t']);
    expect(r.string('auth: Bearer s3cr3t and s3cr3t')).toBe(`auth: ${REDACTED} and ${REDACTED}`);
    expect(r.leaks('xx s3cr3t')).toBe(true);
    expect(r.leaks('nothing')).toBe(false);
  });

  it('redacts header values', () => {
    const h = new Redactor(['tok']).headers(new Headers({ 'x-echo': 'tok', other: 'fine' }));
    expect(h.get('x-echo')).toBe(REDACTED);
    expect(h.get('other')).toBe('fine');
  });

  it('redacts a body whatever the chunking', async () => {
    const secret = 'ghp_Zx9-secret-value-ü';
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.string(), fc.constant(secret)), { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (pieces, cuts) => {
          const text = pieces.join('');
          const out = await readAll(new Redactor([secret, encodeURIComponent(secret)]).stream(chunked(text, cuts)));
          expect(out).not.toContain(secret);
          expect(out).toBe(text.split(secret).join(REDACTED));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('redacts overlapping variants leftmost-longest, as a naive scan does, whatever the chunking', async () => {
    // Reference: at each position, the longest variant starting there; else one character on.
    const naive = (text: string, variants: string[]): string => {
      let out = '';
      for (let i = 0; i < text.length; ) {
        const hit = variants.filter((v) => text.startsWith(v, i)).sort((a, b) => b.length - a.length)[0];
        if (hit === undefined) out += text[i++];
        else {
          out += REDACTED;
          i += hit.length;
        }
      }
      return out;
    };
    const ab = fc.string({ unit: fc.constantFrom('a', 'b'), minLength: 1, maxLength: 5 });
    await fc.assert(
      fc.asyncProperty(
        fc.array(ab, { minLength: 1, maxLength: 5 }),
        fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (variants, text, cuts) => {
          const out = await readAll(new Redactor(variants).stream(chunked(text, cuts)));
          expect(out).toBe(naive(text, variants));
        },
      ),
      { numRuns: 300 },
    );
  });
});
