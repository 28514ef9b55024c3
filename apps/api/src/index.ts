export { startServer, version } from './serve.js';
export { slices, slicesModule } from './slices.js';
