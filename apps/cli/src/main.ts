import type { SliceRegistry } from './registry.js';
import { runCli } from './run-cli.js';

/**
 * Runs the CLI as a process: argv in, exit code out. The first Ctrl-C aborts the command's signal (stream
 * requests stop between batches and keep what they committed); a second one exits at once.
 */
export async function main(registry: SliceRegistry): Promise<void> {
  // Under `pnpm slicewise …` the process runs in the workspace root: take relative paths (`--db`, an import
  // file) from the folder the user typed the command in, as `resolveDatabasePath` does.
  const invokedFrom = process.env.INIT_CWD;
  if (invokedFrom && invokedFrom !== process.cwd()) {
    try {
      process.chdir(invokedFrom);
    } catch {
      // a folder that no longer exists: stay where we are
    }
  }
  const controller = new AbortController();
  const onInterrupt = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nCancelling… (press Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onInterrupt);
  // `slicewise … | head` closes the pipe early: stop quietly instead of crashing on EPIPE.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  const code = await runCli(process.argv.slice(2), { slices: registry, signal: controller.signal });
  process.off('SIGINT', onInterrupt);
  process.exitCode = code;
}
