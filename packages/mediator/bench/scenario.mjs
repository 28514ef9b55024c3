/** Runs one scenario in this process and prints its results as JSON: `node bench/scenario.mjs <name>`. */
import {
  crowdedContainer,
  GetValue,
  Listener1,
  Listener2,
  Listener3,
  mediatrTs,
  nestCqrs,
  passThrough,
  SetValue,
  slicewise,
  typediScope,
  ValueChanged,
  ValueHandler,
} from './contestants.mjs';
import { measure } from './measure.mjs';

const handler = new ValueHandler();
const handlers = new Map([
  [GetValue, handler],
  [SetValue, handler],
]);
const query = new GetValue(21);
const command = new SetValue(21);
const options = { caller: { id: 'bench', permissions: [] }, correlationId: 'bench-1' };
const withSignal = { signal: new AbortController().signal };
const mapBaseline = {
  name: 'hand-written Map lookup + call',
  run: () => handlers.get(query.constructor).handle(query),
};

const scenarios = {
  async send() {
    const mediator = slicewise();
    const traced = slicewise({ tracer: true });
    const mediatr = await mediatrTs();
    const nest = await nestCqrs();
    const mQuery = new mediatr.GetValue(21);
    const nQuery = new nest.Query(21);
    const nCommand = new nest.Command(21);
    return [
      mapBaseline,
      { name: 'Slicewise `send` (query)', run: () => mediator.send(query) },
      { name: 'Slicewise `send` (command)', run: () => mediator.send(command) },
      {
        name: 'Slicewise `send` with `{ caller, correlationId }` (as transports call it)',
        run: () => mediator.send(query, options),
      },
      {
        name: 'Slicewise `send` with `{ signal }` (raced against the abort)',
        run: () => mediator.send(query, withSignal),
      },
      {
        name: 'hand-written race floor: `new Promise` settled by `then` of the handler (no listener)',
        run: () => {
          const work = handlers.get(query.constructor).handle(query);
          return new Promise((resolve, reject) => work.then(resolve, reject));
        },
      },
      {
        name: 'Slicewise `send` with a tracer but no SDK or exporter behind it (non-recording spans)',
        run: () => traced.send(query),
      },
      { name: 'mediatr-ts `send`', run: () => mediatr.mediator.send(mQuery) },
      { name: '@nestjs/cqrs `QueryBus.execute`', run: () => nest.queryBus.execute(nQuery) },
      { name: '@nestjs/cqrs `CommandBus.execute`', run: () => nest.commandBus.execute(nCommand) },
    ];
  },

  async behaviors() {
    const mediator = slicewise({ behaviors: 2 });
    const mediatr = await mediatrTs({ behaviors: 2 });
    const mQuery = new mediatr.GetValue(21);
    const [outer, inner] = [passThrough('outer'), passThrough('inner')];
    const context = {};
    return [
      {
        name: 'hand-written closure chain of 2 behaviors',
        run: () =>
          outer.handle(query, context, () =>
            inner.handle(query, context, () => Promise.resolve(handler.handle(query))),
          ),
      },
      { name: 'Slicewise `send` through 2 behaviors', run: () => mediator.send(query) },
      { name: 'mediatr-ts `send` through 2 behaviors', run: () => mediatr.mediator.send(mQuery) },
    ];
  },

  async publish() {
    const parallel = slicewise({ publishStrategy: 'parallel' });
    const sequential = slicewise();
    const mediatr = await mediatrTs();
    const nest = await nestCqrs();
    const listeners = [new Listener1(), new Listener2(), new Listener3()];
    const notification = new ValueChanged(0);
    const mNotification = new mediatr.ValueChanged(0);
    const nEvent = new nest.Event(0);
    return [
      {
        name: 'hand-written `Promise.all` over 3 handlers',
        run: () => Promise.all(listeners.map((listener) => listener.handle(notification))),
      },
      { name: 'Slicewise `publish` (parallel)', run: () => parallel.publish(notification) },
      { name: 'Slicewise `publish` (sequential-all, default)', run: () => sequential.publish(notification) },
      { name: 'mediatr-ts `publish`', run: () => mediatr.mediator.publish(mNotification) },
      { name: '@nestjs/cqrs `EventBus.publish` (does not await handlers)', run: () => nest.eventBus.publish(nEvent) },
    ];
  },

  async scoped() {
    const mediator = slicewise({ scopedHandler: true });
    const nest = await nestCqrs({ requestScoped: true });
    const typedi = typediScope();
    const stamped = slicewise({ stampHandler: true, container: crowdedContainer(200) });
    const nQuery = new nest.ScopedQuery(21);
    return [
      mapBaseline,
      {
        name: 'Slicewise `send`, per-dispatch scope, 1 scoped service (built + disposed)',
        run: () => mediator.send(query),
      },
      {
        name: 'Slicewise `send`, scoped service whose factory gets a singleton among 200 typedi services',
        run: () => stamped.send(query),
      },
      { name: 'typedi `Container.of` + `get` + `reset` alone', run: typedi },
      {
        name: '@nestjs/cqrs request-scoped handler + request-scoped dependency',
        run: () => nest.queryBus.execute(nQuery),
        ops: 10_000,
      },
    ];
  },
};

const name = process.argv[2];
const scenario = scenarios[name];
if (!scenario) {
  console.error(`Unknown scenario ${name}; one of ${Object.keys(scenarios).join(', ')}`);
  process.exit(2);
}
const contestants = await scenario();
const results = await measure(contestants, { rounds: Number(process.env.BENCH_ROUNDS ?? 15) });
process.stdout.write(`${JSON.stringify(results)}\n`);
