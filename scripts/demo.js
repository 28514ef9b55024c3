// The Quick start demo: seed the embedded database, then list the active users through the real CLI.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../apps/cli/bin/slicewise.js', import.meta.url));
const slicewise = (...args) => execFileSync(process.execPath, [cli, ...args], { stdio: 'inherit' });

console.log('$ slicewise db seed --count 20');
slicewise('db', 'seed', '--count', '20');
console.log('\n$ slicewise users list --active');
slicewise('users', 'list', '--active');
console.log(`
Next:
  pnpm -s slicewise users list --active --json                  # the same users as JSON
  pnpm -s slicewise users register "Your Name" you@example.com  # then: users get <id>, users deactivate <id>
  pnpm -s slicewise users stats                                 # totals and registrations per day
  pnpm -s slicewise users import <file.csv|file.ndjson>         # bulk, with progress; Ctrl-C keeps whole batches
  pnpm -s slicewise --help                                      # every command, generated from the slices' declarations
  pnpm api                                                      # then: curl 'http://127.0.0.1:3000/users?active=true'
  pnpm test                                                     # the whole test suite`);
