import { watch, type FSWatcher } from 'node:fs';

/**
 * How often the index folder's CURRENT is looked at besides fs.watch. fs.watch (inotify on Linux) reports the
 * rename of a new CURRENT at once, but not on every file system: network mounts (NFS, SMB) and some container bind
 * mounts deliver no events for changes made by another machine or namespace, and a watch dies with its folder
 * (an index folder deleted and made again). Reading a 40-byte file every few seconds costs nothing, so the poll
 * bounds the pickup delay wherever events are lost.
 */
export const POLL_INTERVAL_MS = 5_000;
const POINTER = 'CURRENT';

/**
 * Calls `onChange` when the index folder's CURRENT may have changed (an fs.watch event naming it, or every poll);
 * the caller compares it with what it serves. Neither the watch nor the timer keeps the process alive. Returns a
 * function that stops both.
 */
export function watchGeneration(dir: string, onChange: () => void, pollMs = POLL_INTERVAL_MS): () => void {
  let watcher: FSWatcher | null = null;
  let stopped = false;
  const startWatch = () => {
    if (watcher || stopped) return;
    try {
      watcher = watch(dir, { persistent: false }, (_event, file) => {
        // Some platforms report no file name: then any change may be the pointer's.
        if (!file || file === POINTER) onChange();
      });
      watcher.on('error', () => {
        // The folder went away or the platform gave up: the poll carries on and watches again once it can.
        watcher?.close();
        watcher = null;
      });
    } catch {
      watcher = null; // no such folder yet, or no fs.watch here: the poll covers it
    }
  };
  startWatch();
  const timer = setInterval(() => {
    startWatch();
    onChange();
  }, pollMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
    watcher?.close();
    watcher = null;
  };
}
