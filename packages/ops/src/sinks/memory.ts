/**
 * @module sinks/memory
 * Keeps events in an array: for tests, and for applications that want the last decisions at
 * hand (bounded: the oldest go first).
 */
import type { DecisionEvent } from '../event.js';
import type { DecisionSink } from '../sink.js';

export interface MemorySink extends DecisionSink {
  readonly events: DecisionEvent[];
  /** Total of the drops the log reported. */
  readonly droppedCount: number;
}

export function memorySink(opts: { limit?: number } = {}): MemorySink {
  const limit = opts.limit ?? Number.POSITIVE_INFINITY;
  const events: DecisionEvent[] = [];
  let droppedCount = 0;
  return {
    name: 'memory',
    events,
    get droppedCount() {
      return droppedCount;
    },
    write(batch) {
      for (const e of batch) events.push(e);
      if (events.length > limit) events.splice(0, events.length - limit);
    },
    dropped(count) {
      droppedCount += count;
    },
  };
}
