export {
  EventLog,
  type EventLogOptions,
  type ParkedEvent,
  type SubscriptionStatus,
} from './event-log.js';
export { eventLogMigrations, eventLogSet, tables as eventLogTables } from './schema.js';
