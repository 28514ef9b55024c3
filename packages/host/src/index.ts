export { createHost, type Host, type HostOptions } from './create-host.js';
export { defaultDatabasePath, resolveDatabasePath } from './database-path.js';
export { createTestHost, type TestHost, type TestHostOptions } from './test-host.js';
export { runsOnWorker, type WorkerOptions } from './worker-lane.js';
