import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InternalError } from '@slicewise/errors';

/** A local `nats-server -js` for tests and demos: loopback only, a temporary store, its own process group. */
export interface LocalNatsServer {
  readonly url: string;
  readonly port: number;
  readonly storeDir: string;
  /** `kill -9` of its process group: no clean shutdown. */
  kill(): Promise<void>;
  /** Starts it again on the same port and store (after `kill`). */
  restart(): Promise<void>;
  /** Stops it and deletes its store. */
  stop(): Promise<void>;
}

/** A TCP port free on 127.0.0.1 now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts `nats-server` (it must be on the PATH: Debian's package `nats-server`) with JetStream on a free loopback
 * port and a temporary store directory; resolves once it accepts connections.
 */
export async function startNatsServer(
  options: { port?: number; args?: readonly string[] } = {},
): Promise<LocalNatsServer> {
  const port = options.port ?? (await freePort());
  const storeDir = mkdtempSync(join(tmpdir(), 'slicewise-nats-'));
  let child: ChildProcess | undefined;
  const launch = async () => {
    const args = ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir, ...(options.args ?? [])];
    const started = spawn('nats-server', args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    child = started;
    await new Promise<void>((resolve, reject) => {
      let log = '';
      const timer = setTimeout(() => reject(new InternalError(`nats-server did not start in 15 s: ${log}`)), 15_000);
      started.once('error', (error) => {
        clearTimeout(timer);
        reject(new InternalError(`Cannot run nats-server (apt-get install nats-server): ${error.message}`));
      });
      started.once('exit', (code) => {
        clearTimeout(timer);
        reject(new InternalError(`nats-server exited (${code}): ${log}`));
      });
      started.stderr?.on('data', (chunk: Buffer) => {
        log = (log + chunk.toString()).slice(-4000);
        if (log.includes('Server is ready')) {
          clearTimeout(timer);
          started.stderr?.removeAllListeners('data');
          started.stderr?.resume();
          resolve();
        }
      });
    });
  };
  const signal = async (name: NodeJS.Signals) => {
    const running = child;
    if (!running?.pid || running.exitCode !== null || running.signalCode !== null) return;
    try {
      process.kill(-running.pid, name);
    } catch {
      // already gone
    }
    await exited(running);
  };
  await launch();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    kill: () => signal('SIGKILL'),
    restart: launch,
    async stop() {
      await signal('SIGTERM');
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
