/**
 * @module sinks/otel
 * Decision events as OpenTelemetry span events on the active span, when the application uses
 * `@opentelemetry/api` (an optional peer dependency): the decision then appears in the trace
 * of the request that caused it, and reaches whatever pipeline the application's SDK exports
 * to (an OpenTelemetry collector).
 *
 * The API is loaded with a dynamic import that fails soft: without it, `otelSink()` resolves
 * to a sink that does nothing and says so (`available: false`). The span event is added in
 * `onDecision`, synchronously, because the active span exists only on the deciding call's
 * stack. Attributes are flat (OpenTelemetry attribute values are scalars or arrays of them).
 * Having a hook, it makes the log take each event's input digest (`mandate.input`) on the
 * deciding call rather than in the drain.
 */
import type { DecisionEvent } from '../event.js';
import type { DecisionSink } from '../sink.js';

type Attribute = string | number | boolean | string[];

/** The part of `@opentelemetry/api` used here (structural: no type dependency on the package). */
export interface OtelTraceApi {
  readonly trace: {
    getActiveSpan(): { addEvent(name: string, attributes?: Record<string, Attribute>): unknown } | undefined;
  };
}

export interface OtelSink extends DecisionSink {
  /** Whether `@opentelemetry/api` was found. */
  readonly available: boolean;
}

export interface OtelSinkOptions {
  /** Use this API object rather than importing `@opentelemetry/api` (tests, bundlers). */
  readonly api?: OtelTraceApi;
  /** The span event's name (default `mandate.decision`). */
  readonly eventName?: string;
}

/** The attributes of a decision's span event. */
export function spanAttributes(e: DecisionEvent): Record<string, Attribute> {
  const a: Record<string, Attribute> = {
    'mandate.decision.id': e.id,
    'mandate.decision': e.decision,
    'mandate.principal': e.who.principal,
    'mandate.action': e.what.action,
    'mandate.resource': e.what.resource,
    'mandate.reasons': [...e.reasons],
    'mandate.errors': e.errors.length,
    'mandate.latency_us': e.latencyUs,
    'mandate.policies': e.policies,
    'mandate.entities': e.entities,
  };
  if (e.who.root !== undefined) a['mandate.root'] = e.who.root;
  if (e.who.hops !== undefined) a['mandate.hops'] = [...e.who.hops];
  if (e.who.actor !== undefined) a['mandate.actor'] = e.who.actor;
  if (e.who.session !== undefined) a['mandate.session'] = e.who.session;
  if (e.what.input !== undefined) a['mandate.input'] = e.what.input;
  if (e.failure !== undefined) a['mandate.failure'] = e.failure;
  if (e.schema !== undefined) a['mandate.schema'] = e.schema;
  if (e.shadow !== undefined) {
    a['mandate.shadow.decision'] = e.shadow.decision;
    a['mandate.shadow.policies'] = e.shadow.policies;
  }
  return a;
}

async function importApi(): Promise<OtelTraceApi | undefined> {
  try {
    const mod = (await import('@opentelemetry/api')) as unknown as OtelTraceApi & { default?: OtelTraceApi };
    return typeof mod.trace?.getActiveSpan === 'function' ? mod : mod.default;
  } catch {
    return undefined; // not installed: the sink does nothing
  }
}

/** A sink adding a span event per decision to the active span (see the module comment). */
export async function otelSink(opts: OtelSinkOptions = {}): Promise<OtelSink> {
  const api = opts.api ?? (await importApi());
  const name = opts.eventName ?? 'mandate.decision';
  if (api === undefined) return { name: 'otel', available: false };
  const trace = api.trace;
  return {
    name: 'otel',
    available: true,
    onDecision(event) {
      const span = trace.getActiveSpan();
      if (span !== undefined) span.addEvent(name, spanAttributes(event));
    },
  };
}
