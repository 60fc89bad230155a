/**
 * @module redact
 * Removal of credentials from anything that flows back toward the agent or into a log: strings
 * (error messages, URLs), response headers and response bodies. A server that echoes the
 * credential it received (a debug endpoint, an error page quoting the request, a reflected
 * header) would otherwise hand the agent the very secret the gateway kept from it.
 *
 * Bodies are redacted as a byte stream, without buffering the whole body: the last
 * `longest pattern - 1` bytes of each chunk are held back, so a secret split across chunk
 * boundaries is still found.
 */

/** What a redacted credential is replaced with. */
export const REDACTED = '[REDACTED]';

export class Redactor {
  // Longest first: at a given position, the longest variant wins.
  #patterns: string[] = [];
  #bytes: Buffer[] = [];

  constructor(secrets: Iterable<string> = []) {
    this.add(secrets);
  }

  /** Also redact these strings from now on. */
  add(secrets: Iterable<string>): void {
    const set = new Set(this.#patterns);
    for (const s of secrets) if (s !== '') set.add(s);
    this.#patterns = [...set].sort((a, b) => b.length - a.length);
    this.#bytes = this.#patterns.map((p) => Buffer.from(p, 'utf8'));
  }

  get size(): number {
    return this.#patterns.length;
  }

  /** Whether `text` contains any of the secrets. */
  leaks(text: string): boolean {
    return this.#patterns.some((p) => text.includes(p));
  }

  string(text: string): string {
    let out = text;
    for (const p of this.#patterns) if (out.includes(p)) out = out.split(p).join(REDACTED);
    return out;
  }

  headers(headers: Headers): Headers {
    const out = new Headers();
    for (const [k, v] of headers) out.append(k, this.string(v));
    return out;
  }

  /** A stream of `body` with every occurrence of a secret replaced. */
  stream(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
    if (this.#bytes.length === 0) return body;
    const patterns = this.#bytes;
    const hold = Math.max(...patterns.map((p) => p.length)) - 1;
    const mark = Buffer.from(REDACTED, 'utf8');
    let carry: Buffer = Buffer.alloc(0);
    const step = (buf: Buffer, final: boolean): Buffer => {
      const parts: Buffer[] = [];
      // A match starting before safeEnd lies wholly within buf; one starting later may not yet.
      const safeEnd = final ? buf.length : Math.max(0, buf.length - hold);
      let pos = 0;
      // Each pattern's next occurrence at or after `pos`, searched again only once passed, so
      // a body dense with echoes costs about one scan per pattern, not one per match.
      const next = patterns.map((p) => buf.indexOf(p));
      for (;;) {
        let best = -1;
        let bestLen = 0;
        for (let k = 0; k < patterns.length; k++) {
          const p = patterns[k] as Buffer;
          let i = next[k] as number;
          if (i !== -1 && i < pos) next[k] = i = buf.indexOf(p, pos);
          if (i !== -1 && (best === -1 || i < best || (i === best && p.length > bestLen))) {
            best = i;
            bestLen = p.length;
          }
        }
        if (best === -1 || best >= safeEnd) break;
        parts.push(buf.subarray(pos, best), mark);
        pos = best + bestLen;
      }
      const emitEnd = Math.max(pos, safeEnd);
      parts.push(buf.subarray(pos, emitEnd));
      carry = Buffer.from(buf.subarray(emitEnd));
      return Buffer.concat(parts);
    };
    return body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          const out = step(Buffer.concat([carry, chunk]), false);
          if (out.length > 0) controller.enqueue(new Uint8Array(out));
        },
        flush(controller) {
          const out = step(carry, true);
          if (out.length > 0) controller.enqueue(new Uint8Array(out));
        },
      }),
    );
  }
}
