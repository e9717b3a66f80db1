import { watch, type FSWatcher } from 'node:fs';
import { isArticleFileName } from './loader.js';

export interface CorpusWatcherOptions {
  /** Changes are reported this long after the last event, together: a copy of 50 files is one rebuild. */
  debounceMs: number;
  /** The article file names that changed (added, changed or removed); `null` when the system did not say which. */
  onChanges(names: ReadonlySet<string> | null): void;
  onError(err: Error): void;
}

export interface CorpusWatcher {
  close(): void;
}

/**
 * Watches the corpus folder (not recursive: the loader reads no sub-folders) with Node's fs.watch, which sits on
 * inotify, FSEvents or ReadDirectoryChangesW. The events only say *that* something happened to a name; what
 * changed is decided by the rebuild, which compares each article's content hash with the index. Names the loader
 * does not read are ignored, among them the .tmp files articles are written through.
 */
export function watchCorpusFolder(dir: string, options: CorpusWatcherOptions): CorpusWatcher {
  let pending = new Set<string>();
  let unnamed = false;
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    timer = null;
    const names = unnamed ? null : pending;
    pending = new Set();
    unnamed = false;
    options.onChanges(names);
  };
  // persistent: false: the watcher alone never keeps the process running.
  const watcher: FSWatcher = watch(dir, { persistent: false }, (_event, filename) => {
    if (filename === null) unnamed = true;
    else if (!isArticleFileName(filename)) return;
    else pending.add(filename);
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, options.debounceMs);
  });
  watcher.on('error', (err) => options.onError(err));
  return {
    close() {
      if (timer) clearTimeout(timer);
      timer = null;
      watcher.close();
    },
  };
}
