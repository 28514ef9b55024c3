export { startServer, version } from './serve.js';
export { slices } from './slices.js';
