import 'reflect-metadata';
import { type Span, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import {
  AlwaysOffSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createMediator,
  type DispatchContext,
  defineSlice,
  handle,
  handleStream,
  NotFoundError,
  Notification,
  on,
  Query,
  StreamRequest,
  tracerName,
} from './index.js';
import { resolveTracer } from './tracing.js';

class UserSeen extends Notification {}
class UserSeenHandler {
  handle(): void {}
}
class GetUser extends Query<string> {}
class GetUserHandler {
  async handle(_request: GetUser, context: DispatchContext): Promise<string> {
    await context.publish(new UserSeen());
    return 'ada';
  }
}
class GetGhost extends Query<string> {}
class GetGhostHandler {
  handle(): string {
    throw new NotFoundError('No ghost');
  }
}

const users = defineSlice({
  name: '@slicewise/users',
  handlers: [handle(GetUser, GetUserHandler), handle(GetGhost, GetGhostHandler), on(UserSeen, UserSeenHandler)],
});

function tracing() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { exporter, provider };
}

afterEach(() => {
  trace.disable();
});

describe('OpenTelemetry spans', () => {
  it('starts one span per dispatch, named and attributed after the messaging conventions, nested ones as children', async () => {
    const { exporter, provider } = tracing();
    const mediator = createMediator({ slices: [users], tracer: provider.getTracer(tracerName) });

    await mediator.send(new GetUser(), { correlationId: 'corr-1' });

    const spans = exporter.getFinishedSpans();
    expect(spans.map((span) => span.name)).toEqual(['publish UserSeen', 'send GetUser']);
    const [published, sent] = spans;
    expect(sent?.attributes).toEqual({
      'messaging.system': 'slicewise',
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'send',
      'messaging.destination.name': 'GetUser',
      'messaging.message.conversation_id': 'corr-1',
      'slicewise.message.kind': 'query',
      'slicewise.slice': '@slicewise/users',
    });
    expect(published?.attributes['messaging.operation.name']).toBe('publish');
    expect(published?.attributes['messaging.message.conversation_id']).toBe('corr-1');
    expect(published?.spanContext().traceId).toBe(sent?.spanContext().traceId);
    expect(published?.parentSpanContext?.spanId).toBe(sent?.spanContext().spanId);
    expect(sent?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('records the exception and sets the error status when a dispatch fails', async () => {
    const { exporter, provider } = tracing();
    const mediator = createMediator({ slices: [users], tracer: provider.getTracer(tracerName) });

    await expect(mediator.send(new GetGhost())).rejects.toThrow('No ghost');

    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('send GetGhost');
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'No ghost' });
    expect(span?.attributes['error.type']).toBe('NOT_FOUND');
    expect(span?.events.map((event) => event.name)).toEqual(['exception']);
  });

  it('uses the global tracer when a provider is registered, and skips tracing when none is', async () => {
    expect(resolveTracer(undefined)).toBeUndefined();
    const untraced = createMediator({ slices: [users] });
    const { exporter, provider } = tracing();
    trace.setGlobalTracerProvider(provider);
    const traced = createMediator({ slices: [users] });

    await untraced.send(new GetGhost()).catch(() => undefined);
    await traced.send(new GetGhost()).catch(() => undefined);
    const disabled = createMediator({ slices: [users], tracer: false });
    await disabled.send(new GetGhost()).catch(() => undefined);

    expect(resolveTracer(undefined)).toBeDefined();
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(['send GetGhost']);
  });

  it('ends a stream span when the consumer is done with it', async () => {
    class Letters extends StreamRequest<string> {}
    class LettersHandler {
      async *handle(): AsyncIterable<string> {
        yield 'a';
        yield 'b';
      }
    }
    const { exporter, provider } = tracing();
    const mediator = createMediator({
      slices: [defineSlice({ name: 'letters', handlers: [handleStream(Letters, LettersHandler)] })],
      tracer: provider.getTracer(tracerName),
    });

    const letters: string[] = [];
    const stream = mediator.stream(new Letters());
    expect(exporter.getFinishedSpans()).toEqual([]);
    for await (const letter of stream) letters.push(letter);

    expect(letters).toEqual(['a', 'b']);
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('stream Letters');
    expect(span?.attributes['messaging.operation.name']).toBe('stream');
    expect(span?.attributes['slicewise.slice']).toBe('letters');
  });

  it('skips the span work of a tracer that records and propagates nothing (no SDK behind it)', async () => {
    const used: string[] = [];
    const noop = trace.getTracer('no-sdk');
    const watching: Tracer = {
      startSpan(name, options, context) {
        const span = noop.startSpan(name, options, context);
        used.push(`start ${name}`);
        return new Proxy(span, {
          get(target, property, receiver) {
            const name = String(property);
            if (!['isRecording', 'spanContext'].includes(name) && !name.startsWith('_')) used.push(name);
            return Reflect.get(target, property, receiver);
          },
        }) as Span;
      },
      startActiveSpan: noop.startActiveSpan.bind(noop) as Tracer['startActiveSpan'],
    };
    const mediator = createMediator({ slices: [users], tracer: watching });

    await expect(mediator.send(new GetUser())).resolves.toBe('ada');
    await expect(mediator.send(new GetGhost())).rejects.toThrow('No ghost');

    expect(used).toEqual(['start send GetUser']);
  });

  it('asks a no-op tracer of the API again once a tracer provider is registered, and then traces', async () => {
    const mediator = createMediator({ slices: [users], tracer: trace.getTracer(tracerName) });
    await mediator.send(new GetGhost()).catch(() => undefined);
    const { exporter, provider } = tracing();

    trace.setGlobalTracerProvider(provider);
    await mediator.send(new GetGhost()).catch(() => undefined);

    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(['send GetGhost']);
  });

  it('exports nothing for spans the sampler drops, and the dispatch still works', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      sampler: new AlwaysOffSampler(),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const mediator = createMediator({ slices: [users], tracer: provider.getTracer(tracerName) });

    await expect(mediator.send(new GetUser())).resolves.toBe('ada');

    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});
