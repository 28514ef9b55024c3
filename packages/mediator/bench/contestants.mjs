/**
 * The same handler, behaviors and notification handlers, wired into each contestant: hand-written
 * baselines, Slicewise, mediatr-ts and @nestjs/cqrs. Each scenario runs in its own process (mediatr-ts keeps
 * its registrations in module globals).
 */
import 'reflect-metadata';
import { trace } from '@opentelemetry/api';
import { Container, ContainerInstance } from 'typedi';
import {
  Command,
  createMediator,
  defineBehavior,
  defineSlice,
  handle,
  Notification,
  on,
  Query,
  scoped,
} from '../dist/index.js';

export class GetValue extends Query {
  constructor(value) {
    super();
    this.value = value;
  }
}
export class SetValue extends Command {
  constructor(value) {
    super();
    this.value = value;
  }
}
export class ValueChanged extends Notification {
  constructor(value) {
    super();
    this.value = value;
  }
}

/** The one handler every contestant calls. */
export class ValueHandler {
  async handle(request) {
    return request.value * 2;
  }
  execute(request) {
    return this.handle(request);
  }
}
/** Three notification handlers. */
export class Listener1 {
  async handle(notification) {
    notification.value++;
  }
}
export class Listener2 extends Listener1 {}
export class Listener3 extends Listener1 {}

/** What the scoped scenario resolves once per dispatch. */
export class Session {
  constructor(caller) {
    this.caller = caller;
    this.open = true;
  }
  dispose() {
    this.open = false;
  }
}

export const passThrough = (name) =>
  defineBehavior({
    name,
    async handle(_request, _context, next) {
      return next();
    },
  });

export const CurrentSession = scoped('CurrentSession', (context) => new Session(context.caller));
export class ScopedHandler {
  async handle(request, context) {
    return context.get(CurrentSession).open ? request.value * 2 : 0;
  }
}

/** A scoped service whose factory resolves a host singleton, in a container of `services` registered services. */
export class Clock {
  now() {
    return 1;
  }
}
export const Stamp = scoped('Stamp', (_context, services) => ({ at: services.get(Clock).now() }));
export class StampHandler {
  async handle(request, context) {
    return context.get(Stamp).at + request.value;
  }
}

export function crowdedContainer(services) {
  const container = new ContainerInstance(`bench-${services}`);
  for (let i = 0; i < services; i++) container.set({ id: `service-${i}`, value: i });
  container.set({ id: Clock, value: new Clock() });
  return container;
}

export function slicewise({
  behaviors = 0,
  publishStrategy,
  scopedHandler = false,
  stampHandler = false,
  container,
  tracer = false,
} = {}) {
  const scopedServices = [...(scopedHandler ? [CurrentSession] : []), ...(stampHandler ? [Stamp] : [])];
  const slice = defineSlice({
    name: 'bench',
    scoped: scopedServices,
    handlers: [
      handle(GetValue, stampHandler ? StampHandler : scopedHandler ? ScopedHandler : ValueHandler),
      handle(SetValue, ValueHandler),
      on(ValueChanged, Listener1),
      on(ValueChanged, Listener2),
      on(ValueChanged, Listener3),
    ],
  });
  return createMediator({
    slices: [slice],
    behaviors: Array.from({ length: behaviors }, (_, i) => passThrough(`pass-${i}`)),
    tracer: tracer ? trace.getTracer('bench') : false,
    ...(container && { container }),
    ...(publishStrategy && { publishStrategy }),
  });
}

/** mediatr-ts 2: decorators register globally; applied by hand here (no decorator compiler in .mjs). */
export async function mediatrTs({ behaviors = 0 } = {}) {
  const { Mediator, requestHandler, notificationHandler, pipelineBehavior, RequestData, NotificationData } =
    await import('mediatr-ts');
  class MGetValue extends RequestData {
    constructor(value) {
      super();
      this.value = value;
    }
  }
  class MValueChanged extends NotificationData {
    constructor(value) {
      super();
      this.value = value;
    }
  }
  class MValueHandler extends ValueHandler {}
  requestHandler(MGetValue)(MValueHandler);
  for (const Listener of [class extends Listener1 {}, class extends Listener1 {}, class extends Listener1 {}]) {
    notificationHandler(MValueChanged)(Listener);
  }
  for (let i = 0; i < behaviors; i++) {
    pipelineBehavior()(
      class {
        async handle(_request, next) {
          return next();
        }
      },
    );
  }
  return { mediator: new Mediator(), GetValue: MGetValue, ValueChanged: MValueChanged };
}

/** @nestjs/cqrs 12 in a Nest application context; decorators applied by hand. */
export async function nestCqrs({ requestScoped = false } = {}) {
  const { Module, Injectable, Scope } = await import('@nestjs/common');
  const { NestFactory } = await import('@nestjs/core');
  const { CqrsModule, QueryBus, CommandBus, EventBus, QueryHandler, CommandHandler, EventsHandler } = await import(
    '@nestjs/cqrs'
  );
  class NQuery {
    constructor(value) {
      this.value = value;
    }
  }
  class NCommand extends NQuery {}
  class NEvent extends NQuery {}
  class NQueryHandler extends ValueHandler {}
  class NCommandHandler extends ValueHandler {}
  QueryHandler(NQuery)(NQueryHandler);
  CommandHandler(NCommand)(NCommandHandler);
  const listeners = [class extends Listener1 {}, class extends Listener1 {}, class extends Listener1 {}];
  for (const Listener of listeners) EventsHandler(NEvent)(Listener);
  const providers = [NQueryHandler, NCommandHandler, ...listeners];
  class NScopedQuery extends NQuery {}
  if (requestScoped) {
    class NSession extends Session {}
    Injectable({ scope: Scope.REQUEST })(NSession);
    class NScopedHandler {
      constructor(session) {
        this.session = session;
      }
      async execute(query) {
        return this.session ? query.value * 2 : 0;
      }
    }
    Reflect.defineMetadata('design:paramtypes', [NSession], NScopedHandler);
    QueryHandler(NScopedQuery, { scope: Scope.REQUEST })(NScopedHandler);
    providers.push(NSession, NScopedHandler);
  }
  class AppModule {}
  Module({ imports: [CqrsModule.forRoot()], providers })(AppModule);
  const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  await app.init();
  return {
    queryBus: app.get(QueryBus),
    commandBus: app.get(CommandBus),
    eventBus: app.get(EventBus),
    Query: NQuery,
    Command: NCommand,
    Event: NEvent,
    ScopedQuery: NScopedQuery,
  };
}

/** typedi alone: a container per dispatch, one get, then reset (the cost the mediator avoids). */
export function typediScope() {
  Container.set({ id: Session, factory: () => new Session(undefined) });
  return () => {
    const container = Container.of('dispatch');
    const session = container.get(Session);
    Container.reset('dispatch');
    return Promise.resolve(session.open ? 2 : 0);
  };
}
