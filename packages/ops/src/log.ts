/**
 * @module log
 * `DecisionLog`: takes decision events on the hot path and hands them to sinks off it.
 *
 * `record(event)` never blocks, never throws and never does I/O: it runs the sinks'
 * synchronous hooks (OpenTelemetry span events; with any, it takes the event's input digest
 * first, so that they see it), appends to a bounded buffer and, if none is
 * pending, schedules one drain (`setImmediate`). The drain computes the events' input digests
 * (left to it by `DecisionPoint`, see `event`), signs events when receipts are on
 * (Ed25519 costs tens of microseconds: never on the deciding call) and gives each sink the
 * batch. When the buffer is full — sinks slower than the decision rate — the event is dropped,
 * never silently: `stats.dropped` counts it, `onDrop` is called, and every sink is told how
 * many were lost before the next batch it receives.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { OpsError } from './errors.js';
import { type DecisionEvent, ensureInputDigest } from './event.js';
import { signReceipt } from './receipt.js';
import type { DecisionSink } from './sink.js';

export interface DecisionLogOptions {
  readonly sinks: readonly DecisionSink[];
  /** Most events waiting for the sinks (default 10,000); beyond it events are dropped and counted. */
  readonly capacity?: number;
  /** Sign every event (receipts): an Ed25519 private key (`KeyObject` or PKCS#8 PEM) and an optional key id. */
  readonly receipts?: { readonly privateKey: KeyObject | string; readonly keyId?: string };
  /** Called (from the drain) with the number of events dropped since the last call. */
  readonly onDrop?: (count: number) => void;
  /** Called when a sink throws or rejects; the log carries on. */
  readonly onSinkError?: (error: unknown, sink: string) => void;
}

export interface DecisionLogStats {
  /** Events accepted into the buffer. */
  readonly recorded: number;
  /** Events handed to the sinks' `write`. */
  readonly written: number;
  /** Events dropped because the buffer was full. */
  readonly dropped: number;
  /** Sink failures (throws and rejections, sync hooks included). */
  readonly sinkErrors: number;
  /** Events waiting in the buffer now. */
  readonly pending: number;
}

export class DecisionLog {
  readonly #sinks: readonly DecisionSink[];
  readonly #hooks: readonly DecisionSink[];
  readonly #capacity: number;
  readonly #opts: DecisionLogOptions;
  readonly #key: KeyObject | undefined;
  #buffer: DecisionEvent[] = [];
  #scheduled = false;
  #writing: Promise<void> | undefined;
  #closed = false;
  #recorded = 0;
  #written = 0;
  #dropped = 0;
  #droppedReported = 0;
  #sinkErrors = 0;

  constructor(opts: DecisionLogOptions) {
    const capacity = opts.capacity ?? 10_000;
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new OpsError('options', `capacity \`${capacity}\` is not a positive integer`);
    const r = opts.receipts;
    if (r !== undefined) {
      // Checked now, so that a wrong key fails at start-up rather than in every drain.
      const key = typeof r.privateKey === 'string' ? createPrivateKey(r.privateKey) : r.privateKey;
      if (key.asymmetricKeyType !== 'ed25519')
        throw new OpsError('options', `the receipt key is \`${String(key.asymmetricKeyType)}\`, not \`ed25519\``);
      this.#key = key;
    }
    this.#opts = opts;
    this.#sinks = opts.sinks;
    this.#hooks = opts.sinks.filter((s) => s.onDecision !== undefined);
    this.#capacity = capacity;
  }

  /** Take one event. Never blocks, never throws. */
  record(event: DecisionEvent): void {
    if (this.#hooks.length > 0) {
      // Hooks see whole events: the input digest, otherwise taken in the drain, is taken now.
      try {
        ensureInputDigest(event);
      } catch (e) {
        this.#sinkError(e, 'digest'); // only a hand-made event can get here (ours never throw)
      }
    }
    for (const s of this.#hooks) {
      try {
        (s.onDecision as (e: DecisionEvent) => void)(event);
      } catch (e) {
        this.#sinkError(e, s.name);
      }
    }
    if (this.#closed || this.#buffer.length >= this.#capacity) {
      this.#dropped++;
      return;
    }
    this.#buffer.push(event);
    this.#recorded++;
    if (!this.#scheduled && this.#writing === undefined) {
      this.#scheduled = true;
      setImmediate(this.#drain);
    }
  }

  get stats(): DecisionLogStats {
    return {
      recorded: this.#recorded,
      written: this.#written,
      dropped: this.#dropped,
      sinkErrors: this.#sinkErrors,
      pending: this.#buffer.length,
    };
  }

  /** Resolves once every event recorded so far has been handed to the sinks (and their writes settled). */
  async flush(): Promise<void> {
    while (this.#buffer.length > 0 || this.#writing !== undefined || this.#dropped > this.#droppedReported) {
      if (this.#writing !== undefined) await this.#writing;
      else await this.#run();
    }
  }

  /** Flush, then close every sink. Events recorded afterwards are dropped and counted. */
  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
    for (const s of this.#sinks) {
      try {
        await s.close?.();
      } catch (e) {
        this.#sinkError(e, s.name);
      }
    }
  }

  readonly #drain = (): void => {
    this.#scheduled = false;
    if (this.#writing === undefined) void this.#run();
  };

  #run(): Promise<void> {
    const p = this.#deliver().finally(() => {
      this.#writing = undefined;
      // What arrived while the sinks were busy goes in the next batch.
      if ((this.#buffer.length > 0 || this.#dropped > this.#droppedReported) && !this.#scheduled) {
        this.#scheduled = true;
        setImmediate(this.#drain);
      }
    });
    this.#writing = p;
    return p;
  }

  async #deliver(): Promise<void> {
    const droppedNow = this.#dropped - this.#droppedReported;
    if (droppedNow > 0) {
      this.#droppedReported = this.#dropped;
      try {
        this.#opts.onDrop?.(droppedNow);
      } catch {
        // the callback is the application's; its failure must not stop the log
      }
      // After close the sinks are gone: the count stays in `stats` and `onDrop`.
      if (!this.#closed)
        for (const s of this.#sinks) if (s.dropped !== undefined) await this.#call(s, () => s.dropped?.(droppedNow));
    }
    if (this.#buffer.length === 0) return;
    let batch = this.#buffer;
    this.#buffer = [];
    // Input digests are taken here, off the deciding call, before anything signs or writes.
    for (const e of batch) {
      try {
        ensureInputDigest(e);
      } catch (err) {
        this.#sinkError(err, 'digest'); // only a hand-made event can get here (ours never throw)
      }
    }
    const key = this.#key;
    if (key !== undefined) {
      const keyId = this.#opts.receipts?.keyId;
      try {
        batch = batch.map((e) => signReceipt(e, key, keyId === undefined ? {} : { keyId }));
      } catch (e) {
        this.#sinkError(e, 'receipts'); // delivered unsigned: it will not verify, and the error is counted
      }
    }
    for (const s of this.#sinks) if (s.write !== undefined) await this.#call(s, () => s.write?.(batch));
    this.#written += batch.length;
  }

  async #call(sink: DecisionSink, f: () => void | Promise<void> | undefined): Promise<void> {
    try {
      await f();
    } catch (e) {
      this.#sinkError(e, sink.name);
    }
  }

  #sinkError(e: unknown, name: string): void {
    this.#sinkErrors++;
    try {
      this.#opts.onSinkError?.(e, name);
    } catch {
      // as above
    }
  }
}
