export { type ApiConfig, readConfig } from './config.js';
export { httpStatus, type Problem } from './problem.js';
export { buildServer, type ServerOptions } from './server.js';
