/**
 * @module log.test
 * The decision log: nothing reaches a sink's `write` on the deciding call; everything recorded
 * reaches every sink by `flush`; a full buffer drops and counts (and tells the sinks and
 * `onDrop`); a slow sink applies backpressure; failing sinks are contained and counted;
 * receipts are signed in the drain; JSON lines and files; OpenTelemetry span events.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import {
  type DecisionEvent,
  DecisionLog,
  type DecisionSink,
  fileSink,
  generateReceiptKeys,
  jsonLinesSink,
  memorySink,
  type OtelTraceApi,
  otelSink,
  verifyReceipt,
} from '@mandate/ops';
import { trace } from '@opentelemetry/api';
import { afterEach, describe, expect, test } from 'vitest';

let seq = 0;
function event(): DecisionEvent {
  seq++;
  return {
    v: 1,
    id: `e${seq}`,
    time: new Date(0).toISOString(),
    who: { principal: 'User::"alice"' },
    what: { action: 'Action::"read"', resource: 'File::"a"' },
    decision: 'allow',
    reasons: ['policy0'],
    errors: [],
    latencyUs: 3,
    policies: 'sha256:p',
    entities: 0,
  };
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('DecisionLog', () => {
  test('record is synchronous and does no I/O; flush delivers everything in order', async () => {
    const sink = memorySink();
    const log = new DecisionLog({ sinks: [sink] });
    const events = [event(), event(), event()];
    for (const e of events) log.record(e);
    expect(sink.events).toHaveLength(0); // not on the deciding call
    expect(log.stats.pending).toBe(3);
    await log.flush();
    expect(sink.events).toEqual(events);
    expect(log.stats).toMatchObject({ recorded: 3, written: 3, dropped: 0, pending: 0 });
  });

  test('it drains by itself, off the hot path', async () => {
    const sink = memorySink();
    const log = new DecisionLog({ sinks: [sink] });
    log.record(event());
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(sink.events).toHaveLength(1);
  });

  test('a full buffer drops, counts, and tells onDrop and the sinks', async () => {
    const sink = memorySink();
    const drops: number[] = [];
    const log = new DecisionLog({ sinks: [sink], capacity: 5, onDrop: (n) => drops.push(n) });
    for (let i = 0; i < 12; i++) log.record(event());
    expect(log.stats).toMatchObject({ recorded: 5, dropped: 7, pending: 5 });
    await log.flush();
    expect(drops).toEqual([7]);
    expect(sink.droppedCount).toBe(7);
    expect(sink.events).toHaveLength(5);
  });

  test('a slow sink gets one batch at a time; what comes meanwhile waits or is dropped, counted', async () => {
    const batches: number[] = [];
    let release: () => void = () => {};
    const slow: DecisionSink = {
      name: 'slow',
      write(events) {
        batches.push(events.length);
        return new Promise<void>((r) => {
          release = r;
        });
      },
    };
    const log = new DecisionLog({ sinks: [slow], capacity: 3 });
    log.record(event());
    await new Promise((r) => setImmediate(r)); // the first batch is now being written
    expect(batches).toEqual([1]);
    for (let i = 0; i < 5; i++) log.record(event());
    expect(log.stats).toMatchObject({ pending: 3, dropped: 2 });
    release();
    const flushed = log.flush();
    await new Promise((r) => setImmediate(r));
    release();
    await flushed;
    expect(batches).toEqual([1, 3]);
    expect(log.stats).toMatchObject({ written: 4, dropped: 2, pending: 0 });
  });

  test('failing sinks are contained and counted; the others still get everything', async () => {
    const good = memorySink();
    const errors: string[] = [];
    const log = new DecisionLog({
      sinks: [
        {
          name: 'throws',
          write: () => {
            throw new Error('disk full');
          },
          onDecision: () => {
            throw new Error('hook');
          },
        },
        { name: 'rejects', write: () => Promise.reject(new Error('network')) },
        good,
      ],
      onSinkError: (e, name) => errors.push(`${name}: ${(e as Error).message}`),
    });
    log.record(event());
    log.record(event());
    await log.flush();
    expect(good.events).toHaveLength(2);
    expect(errors).toEqual(['throws: hook', 'throws: hook', 'throws: disk full', 'rejects: network']);
    expect(log.stats.sinkErrors).toBe(4);
  });

  test('receipts: events are signed in the drain and verify', async () => {
    const keys = generateReceiptKeys();
    const sink = memorySink();
    const log = new DecisionLog({ sinks: [sink], receipts: { privateKey: keys.privateKey, keyId: 'k1' } });
    const e = event();
    log.record(e);
    expect(e.signature).toBeUndefined(); // the recorded event is not touched
    await log.flush();
    const written = sink.events[0] as DecisionEvent;
    expect(written.signature?.keyId).toBe('k1');
    expect(verifyReceipt(written, keys.publicKeyPem).ok).toBe(true);
    expect(() => new DecisionLog({ sinks: [], receipts: { privateKey: 'not a key' } })).toThrow();
  });

  test('closing flushes and closes sinks; later events are dropped and counted', async () => {
    let closed = false;
    const sink = {
      ...memorySink(),
      close: () => {
        closed = true;
      },
    };
    const log = new DecisionLog({ sinks: [sink] });
    log.record(event());
    await log.close();
    expect(closed).toBe(true);
    expect(sink.events).toHaveLength(1);
    log.record(event());
    expect(log.stats.dropped).toBe(1);
  });
});

describe('sinks', () => {
  test('JSON lines to a stream, one event per line, drops as a line of their own', async () => {
    const stream = new PassThrough();
    const chunks: string[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c.toString()));
    const log = new DecisionLog({ sinks: [jsonLinesSink(stream)], capacity: 2 });
    const a = event();
    const b = event();
    log.record(a);
    log.record(b);
    log.record(event()); // dropped
    await log.flush();
    const lines = chunks
      .join('')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ kind: 'mandate.log.dropped', count: 1 });
    expect(lines.slice(1)).toEqual([a, b]);
  });

  test('a file sink appends JSON lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mandate-ops-log-'));
    dirs.push(dir);
    const file = join(dir, 'decisions.jsonl');
    for (let round = 0; round < 2; round++) {
      const log = new DecisionLog({ sinks: [fileSink(file)] });
      log.record(event());
      await log.close();
    }
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect((JSON.parse(lines[1] as string) as DecisionEvent).who.principal).toBe('User::"alice"');
  });

  test('OpenTelemetry: a span event on the active span, synchronously', async () => {
    const added: [string, Record<string, unknown>][] = [];
    let active = true;
    const api: OtelTraceApi = {
      trace: {
        getActiveSpan: () => (active ? { addEvent: (n, a) => added.push([n, a ?? {}]) } : undefined),
      },
    };
    const sink = await otelSink({ api });
    expect(sink.available).toBe(true);
    const log = new DecisionLog({ sinks: [sink] });
    const e = { ...event(), who: { principal: 'Agent::"coder"', root: 'alice', hops: ['coder'], actor: 'coder' } };
    log.record(e);
    expect(added).toHaveLength(1); // on the deciding call, while its span is active
    expect(added[0]?.[0]).toBe('mandate.decision');
    expect(added[0]?.[1]).toMatchObject({
      'mandate.decision.id': e.id,
      'mandate.decision': 'allow',
      'mandate.root': 'alice',
      'mandate.hops': ['coder'],
      'mandate.reasons': ['policy0'],
    });
    active = false;
    log.record(event()); // no active span: nothing, no error
    expect(added).toHaveLength(1);
    expect(log.stats.sinkErrors).toBe(0);
  });

  test('OpenTelemetry: the real API is found; with no SDK there is no active span and nothing breaks', async () => {
    const sink = await otelSink();
    expect(sink.available).toBe(true);
    expect(trace.getActiveSpan()).toBeUndefined();
    const log = new DecisionLog({ sinks: [sink] });
    log.record(event());
    await log.flush();
    expect(log.stats.sinkErrors).toBe(0);
  });
});
