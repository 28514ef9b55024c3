/** The built API as a child process, for the tests of this app: started on a free loopback port, stopped after. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/slicewise-api.js', import.meta.url));
const children: ChildProcess[] = [];
const dirs: string[] = [];

/** Kills every API this module started and removes every folder it made: call it in `afterEach`. */
export function cleanUp(): void {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A new temporary folder, removed by {@link cleanUp}. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'slicewise-api-'));
  dirs.push(dir);
  return dir;
}

/** Starts the built API on a free loopback port and resolves with its address once it listens. */
export function start(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; base: string; output: () => string }> {
  const child = spawn(process.execPath, [bin], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', SLICEWISE_TOKENS: '', SLICEWISE_TOKENS_FILE: '', ...env },
  });
  children.push(child);
  let output = '';
  let errors = '';
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk;
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) resolve({ child, base: match[1], output: () => output });
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      errors += chunk;
    });
    child.on('exit', (code) => reject(new Error(`API exited with ${code} before listening:\n${errors}${output}`)));
  });
}
