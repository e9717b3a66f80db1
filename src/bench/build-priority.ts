import os from 'node:os';
import { childPids } from './child-rss.js';

/** How soon after it starts a build process is raised: well before it has done any measurable work. */
const POLL_MS = 50;

/**
 * Runs `work` with its build processes at normal priority. The build process lowers its own priority so that a
 * bot's event loop comes first; on a machine shared with other engineers' tests it then gets a few per cent of a
 * core (a 256k build ran 40 min at 1–30 % of one), so its wall time would measure the other processes. Raising a
 * priority needs the right to (root or CAP_SYS_NICE): `raised` says whether it was done, and the build's CPU
 * time is reported either way.
 */
export async function atNormalPriority<T>(work: () => Promise<T>): Promise<{ result: T; raised: boolean | null }> {
  const seen = new Set<number>();
  let raised: boolean | null = null;
  const poll = () => {
    for (const pid of childPids()) {
      if (seen.has(pid)) continue;
      seen.add(pid);
      try {
        os.setPriority(pid, os.constants.priority.PRIORITY_NORMAL);
        raised ??= true;
      } catch {
        raised = false;
      }
    }
  };
  const timer = setInterval(poll, POLL_MS);
  try {
    return { result: await work(), raised };
  } finally {
    clearInterval(timer);
  }
}
