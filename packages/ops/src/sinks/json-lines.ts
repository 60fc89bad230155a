/**
 * @module sinks/json-lines
 * Decision events as JSON lines (one event per line) to a writable stream or an appended file:
 * the format log shippers (Vector, Fluent Bit, the OpenTelemetry collector's filelog receiver)
 * read as is. The stream's own backpressure is honoured: when `write` returns false the sink
 * waits for `drain`, and the log's bounded buffer absorbs (or counts the drop of) what comes
 * meanwhile. A drop is written as a line of its own: `{"kind":"mandate.log.dropped","count":N,"time":…}`.
 */
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { DecisionEvent } from '../event.js';
import type { DecisionSink } from '../sink.js';

export interface JsonLinesSinkOptions {
  /** Close the stream when the log closes (default: true for files, false for streams given). */
  readonly end?: boolean;
}

function writeText(stream: Writable, text: string): void | Promise<void> {
  if (stream.write(text)) return;
  return new Promise((resolve, reject) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('error', failed);
      stream.off('close', done);
      resolve();
    };
    const failed = (e: unknown): void => {
      stream.off('drain', done);
      stream.off('close', done);
      reject(e);
    };
    stream.once('drain', done);
    stream.once('close', done);
    stream.once('error', failed);
  });
}

/** JSON lines to a stream (e.g. `process.stdout`). */
export function jsonLinesSink(stream: Writable, opts: JsonLinesSinkOptions = {}): DecisionSink {
  return {
    name: 'json-lines',
    write(events: readonly DecisionEvent[]) {
      let text = '';
      for (const e of events) text += `${JSON.stringify(e)}\n`;
      return writeText(stream, text);
    },
    dropped(count: number) {
      return writeText(
        stream,
        `${JSON.stringify({ kind: 'mandate.log.dropped', count, time: new Date().toISOString() })}\n`,
      );
    },
    close() {
      if (!(opts.end ?? false)) return;
      return new Promise<void>((resolve) => stream.end(resolve));
    },
  };
}

/** JSON lines appended to a file (created if missing). */
export function fileSink(path: string): DecisionSink {
  const stream = createWriteStream(path, { flags: 'a' });
  return { ...jsonLinesSink(stream, { end: true }), name: `file:${path}` };
}
