/**
 * @module sink
 * Where decision events go. A sink has two optional halves:
 *
 * - `onDecision(event)` runs synchronously on the deciding call's stack, for sinks that need
 *   the caller's context (the active OpenTelemetry span exists only there). It must be O(1).
 *   With any such hook the log takes each event's input digest on the deciding call (so that
 *   the hook sees it), which otherwise it takes in the drain.
 * - `write(events)` runs later, off the hot path, with batches; returning a promise applies
 *   backpressure (the log does not hand it more until it settles; meanwhile events wait in the
 *   log's bounded buffer, and past its capacity they are dropped and counted).
 *
 * `dropped(count)` tells a sink that `count` events were dropped since it was last told, so
 * the gap shows in the log itself.
 */
import type { DecisionEvent } from './event.js';

export interface DecisionSink {
  /** A name for stats and error reports. */
  readonly name: string;
  readonly onDecision?: (event: DecisionEvent) => void;
  readonly write?: (events: readonly DecisionEvent[]) => void | Promise<void>;
  readonly dropped?: (count: number) => void | Promise<void>;
  /** Flush and release resources. */
  readonly close?: () => void | Promise<void>;
}
