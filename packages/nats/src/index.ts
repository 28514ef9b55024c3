export { ensureStream, type NatsBridge, startNatsBridge } from './bridge.js';
export { type EventSelection, type NatsBridgeConfig, natsConfigFromEnv, parseSelection } from './config.js';
export { Inbound } from './inbound.js';
export { freePort, type LocalNatsServer, startNatsServer } from './nats-server.js';
export { Relay } from './relay.js';
export { inboxTable, natsMigrations, natsSet, relayCheckpoint } from './schema.js';
export { eventHeaders, subjectOf, subjectPrefix } from './subjects.js';
