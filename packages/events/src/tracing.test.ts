import 'reflect-metadata';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { type Delivery, defineSlice, subscribe } from '@slicewise/mediator';
import { afterEach, describe, expect, it } from 'vitest';
import { CountNotes, miniHost, NoteWritten, noteMigrations } from './fixture.test-util.js';

/** Registers what a traced Node process registers: a tracer provider and an async context manager. */
function registerTracing(): InMemorySpanExporter {
  const exporter = new InMemorySpanExporter();
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  return exporter;
}

afterEach(() => {
  trace.disable();
  context.disable();
});

/** The ids of the span active in each batch's handler, after an await for at-least-once ones. */
const activeInHandler: string[] = [];
class RecordActiveSpan {
  async handle(deliveries: readonly Delivery<NoteWritten>[]): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    activeInHandler.push(trace.getActiveSpan()?.spanContext().spanId ?? 'none');
    if (deliveries.some(({ event }) => event.text === 'boom')) throw new Error('cannot record a boom');
  }
}

const notes = (batch = 10) =>
  defineSlice({
    name: 'notes',
    migrations: noteMigrations,
    subscriptions: [subscribe([NoteWritten], CountNotes, { name: 'notes/count', batch, maxAttempts: 1 })],
  });

const recorder = defineSlice({
  name: 'recorder',
  subscriptions: [
    subscribe([NoteWritten], RecordActiveSpan, { name: 'recorder/spans', delivery: 'at-least-once', maxAttempts: 1 }),
  ],
});

/** Writes a note and publishes its event in one transaction, as a command handler does; resolves once published. */
function writeNote(host: ReturnType<typeof miniHost>, id: number, text = `note ${id}`): Promise<void> {
  let published: Promise<void> = Promise.resolve();
  host.db.atomic(() => {
    host.db.execute('INSERT INTO notes (id, text) VALUES (?, ?)', [id, text]);
    published = host.mediator.publish(new NoteWritten(id, text));
  });
  return published;
}

const named = (exporter: InMemorySpanExporter, name: string): ReadableSpan[] =>
  exporter.getFinishedSpans().filter((span) => span.name === name);

const storedTraceparents = (host: ReturnType<typeof miniHost>) =>
  host.db
    .query<{ traceparent: string | null }>('SELECT traceparent FROM _slicewise_events ORDER BY position')
    .all()
    .map((row) => row.traceparent);

describe('tracing across the event log', () => {
  it('links the process span of a batch to the publish span of each event in it', async () => {
    const exporter = registerTracing();
    const host = miniHost([notes()]);

    await writeNote(host, 1);
    await writeNote(host, 2);
    await host.events.drain();

    const published = named(exporter, 'publish NoteWritten').map((span) => span.spanContext());
    expect(published).toHaveLength(2);
    expect(storedTraceparents(host)).toEqual(published.map((c) => `00-${c.traceId}-${c.spanId}-01`));
    const [processed, ...others] = named(exporter, 'process notes/count');
    expect(others).toEqual([]);
    expect(processed?.links.map((link) => [link.context.traceId, link.context.spanId])).toEqual(
      published.map((c) => [c.traceId, c.spanId]),
    );
    expect(processed?.kind).toBe(SpanKind.CONSUMER);
    expect(processed?.parentSpanContext).toBeUndefined();
    expect(processed?.status.code).toBe(SpanStatusCode.UNSET);
    expect(processed?.attributes).toEqual({
      'messaging.system': 'slicewise',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.destination.name': 'test/NoteWritten',
      'messaging.destination.subscription.name': 'notes/count',
      'messaging.batch.message_count': 2,
      'slicewise.slice': 'notes',
    });
  });

  it('records a failed batch on its span: the error status and the exception', () => {
    const exporter = registerTracing();
    const host = miniHost([notes(1)]);
    void writeNote(host, 1, 'boom');

    host.events.catchUp();

    const [failed] = named(exporter, 'process notes/count');
    expect(failed?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'cannot count note 1' });
    expect(failed?.attributes['error.type']).toBe('Error');
    expect(failed?.events.map((event) => event.name)).toEqual(['exception']);
    expect(host.events.parked().map((event) => event.position)).toEqual([1]);
  });

  it('runs an async handler inside its process span, and ends the span when the handler settles', async () => {
    const exporter = registerTracing();
    const host = miniHost([notes(), recorder]);
    activeInHandler.length = 0;
    await writeNote(host, 1);
    await writeNote(host, 2, 'boom');

    await host.events.drain();

    const spans = named(exporter, 'process recorder/spans');
    expect(activeInHandler).toEqual(spans.map((span) => span.spanContext().spanId));
    expect(spans.map((span) => [span.attributes['messaging.batch.message_count'], span.status.code])).toEqual([
      [2, SpanStatusCode.ERROR], // the batch fails, so each event is retried alone
      [1, SpanStatusCode.UNSET],
      [1, SpanStatusCode.ERROR],
    ]);
    expect(spans[0]?.status.message).toBe('cannot record a boom');
  });

  it('drives subscriptions outside the context of the publisher that woke them: the process span is no child', async () => {
    const exporter = registerTracing();
    const host = miniHost([notes()]);
    host.events.start();
    await new Promise((resolve) => setImmediate(resolve)); // start()'s own drain: the append below wakes the next

    await writeNote(host, 1);
    for (let tries = 0; tries < 200 && named(exporter, 'process notes/count').length === 0; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await host.events.stop();

    const [processed] = named(exporter, 'process notes/count');
    const [published] = named(exporter, 'publish NoteWritten');
    expect(processed?.links[0]?.context.spanId).toBe(published?.spanContext().spanId);
    expect(processed?.parentSpanContext).toBeUndefined();
    expect(processed?.spanContext().traceId).not.toBe(published?.spanContext().traceId);
  });

  it('handles events whose stored trace context is malformed or invalid, without links', () => {
    const exporter = registerTracing();
    const host = miniHost([notes()]);
    const invalid = `00-${'0'.repeat(32)}-${'0'.repeat(16)}-01`;
    for (const [id, traceparent] of [
      [1, '00-not-a-trace-01'],
      [2, invalid],
    ] as const) {
      host.db.execute(
        "INSERT INTO _slicewise_events (type, version, payload, occurred_at, traceparent) VALUES ('test/NoteWritten', 1, ?, ?, ?)",
        [JSON.stringify({ id, text: `note ${id}` }), Date.now(), traceparent],
      );
    }

    expect(host.events.catchUp()).toBe(0);

    const [processed] = named(exporter, 'process notes/count');
    expect(processed?.attributes['messaging.batch.message_count']).toBe(2);
    expect(processed?.links).toEqual([]);
    expect(processed?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('stores no trace context and starts no span when no tracer provider is registered', async () => {
    const exporter = new InMemorySpanExporter();
    const host = miniHost([notes()]);
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const unregistered = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const outer = unregistered.getTracer('test').startSpan('outer');

    await context.with(trace.setSpan(context.active(), outer), () => writeNote(host, 1));
    host.events.catchUp();
    outer.end();

    expect(storedTraceparents(host)).toEqual([null]);
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(['outer']);
    expect(host.db.query('SELECT note FROM note_counts').all()).toEqual([{ note: 1 }]);
  });

  it('uses the tracer it is given, without a registered provider: links to the span active when publishing', async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const exporter = new InMemorySpanExporter();
    const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer('test');
    const host = miniHost([notes()], undefined, { tracer });
    const outer = tracer.startSpan('outer');

    await context.with(trace.setSpan(context.active(), outer), () => writeNote(host, 1));
    outer.end();
    host.events.catchUp();

    const [processed] = named(exporter, 'process notes/count');
    expect(processed?.links.map((link) => link.context.spanId)).toEqual([outer.spanContext().spanId]);
  });

  it('neither stores trace context nor starts spans when given tracer: false, though a provider is registered', async () => {
    const exporter = registerTracing();
    const host = miniHost([notes()], undefined, { tracer: false });

    await writeNote(host, 1);
    host.events.catchUp();

    expect(storedTraceparents(host)).toEqual([null]);
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(['publish NoteWritten']);
    expect(host.db.query('SELECT note FROM note_counts').all()).toEqual([{ note: 1 }]);
  });
});
