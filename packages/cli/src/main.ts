import { type RunCliOptions, runCli } from './run-cli.js';

/** Exit codes of a process stopped by a signal, as shells report them (128 + the signal's number). */
const signalExitCodes = { SIGINT: 130, SIGTERM: 143 } as const;

/**
 * Runs the CLI as a process (the `bin` of a host calls it): argv in, exit code out. The first Ctrl-C (SIGINT) or SIGTERM aborts the command's
 * signal (stream requests stop between batches and keep what they committed) and the process exits 130 after
 * SIGINT, 143 after SIGTERM; a second signal exits at once with that code.
 */
export async function main(options: Omit<RunCliOptions, 'argv' | 'signal'>): Promise<void> {
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
  let stoppedBy: keyof typeof signalExitCodes | undefined;
  const onSignal = (signal: keyof typeof signalExitCodes) => {
    if (controller.signal.aborted) process.exit(signalExitCodes[signal]);
    stoppedBy = signal;
    const again = signal === 'SIGINT' ? 'press Ctrl-C again' : 'send SIGTERM again';
    process.stderr.write(`\nCancelling… (${again} to quit at once)\n`);
    controller.abort(signal);
  };
  const onInterrupt = () => onSignal('SIGINT');
  const onTerminate = () => onSignal('SIGTERM');
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onTerminate);
  // `slicewise … | head` closes the pipe early: stop quietly instead of crashing on EPIPE.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  const code = await runCli({ ...options, argv: process.argv.slice(2), signal: controller.signal });
  process.off('SIGINT', onInterrupt);
  process.off('SIGTERM', onTerminate);
  // A command cancelled by SIGTERM reports CANCELLED (130) as for Ctrl-C; the process says which signal it was.
  process.exitCode = code === signalExitCodes.SIGINT && stoppedBy ? signalExitCodes[stoppedBy] : code;
}
