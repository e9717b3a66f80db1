/*
 * Another process holding part of an index folder, for tests of what a second process may do meanwhile.
 * `tsx index-dir-holder.ts lock DIR` takes the writer lock; `tsx index-dir-holder.ts lease DIR GENERATION` leases a
 * generation. Prints "held" once it holds it, then waits: for kill -9, or for a line on stdin: `crash` ends it with an
 * uncaught exception, anything else with a normal exit.
 */
import { holdLease } from '../../src/index/generation-leases.js';
import { acquireWriterLock } from '../../src/index/writer-lock.js';

const [what, dir, generation] = process.argv.slice(2);
if (what === 'lock') await acquireWriterLock(dir);
else if (what === 'lease') await holdLease(dir, generation);
else throw new Error(`usage: index-dir-holder.ts lock DIR | lease DIR GENERATION (got ${what})`);
process.stdout.write('held\n');
// Exits without releasing anything by hand: what the exit hooks do is what is tested.
process.stdin.once('data', (line) => {
  if (String(line).trim() !== 'crash') process.exit(0);
  setImmediate(() => {
    throw new Error('index-dir-holder crashed on purpose');
  });
});
