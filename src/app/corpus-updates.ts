import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { addArticles, type AddedArticle, type RefusedUpload, type Upload } from '../corpus/add-article.js';
import { watchCorpusFolder, type CorpusWatcher } from '../corpus/corpus-watcher.js';
import { assertRemovable, removeArticle } from '../corpus/remove-article.js';
import type { BuildProgress, BuildSummary } from '../index/build.js';
import type { IndexService } from '../index/index-service.js';
import { describeSummary } from '../index/summary.js';
import { WriterLockBusyError } from '../index/writer-lock.js';

/** The log calls used here (pino's signature). */
export interface UpdateLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
  debug(fields: object, message: string): void;
}

export interface CorpusUpdatesOptions {
  index: IndexService;
  corpusDir: string;
  maxUploadBytes: number;
  maxArticleBytes?: number;
  log: UpdateLog;
  /** How long the watcher waits after the last change in the folder before updating the index. */
  watchDebounceMs?: number;
}

export interface AddOutcome {
  /** Written into the corpus; `passages` once indexed (null when the index could not be updated). */
  added: Array<AddedArticle & { passages: number | null }>;
  refused: RefusedUpload[];
  /** Why the index was not updated (one sentence); the files stay in the corpus for the next rebuild. */
  rebuildError?: string;
}

export interface RemoveOutcome {
  file: string;
  title: string | null;
  /** Articles in the index afterwards; null when the index could not be updated. */
  documents: number | null;
  rebuildError?: string;
}

export const DEFAULT_WATCH_DEBOUNCE_MS = 2000;
/** How often a queued rebuild looks whether a rebuild started elsewhere (/reindex) has finished. */
const IDLE_POLL_MS = 100;

/**
 * Every change to the corpus while the bot runs goes through here: articles added or removed from Discord or the
 * command line, and files changed in the folder by other means (the watcher). Rebuilds run one at a time; a
 * request during one queues exactly one more, which every later request joins, so a burst of changes costs at most
 * two builds. The index service reuses the vectors of unchanged articles, so only new or changed ones are embedded.
 */
export class CorpusUpdates {
  private active: Promise<BuildSummary> | null = null;
  private next: { promise: Promise<BuildSummary>; listeners: Set<(p: BuildProgress) => void> } | null = null;
  private watcher: CorpusWatcher | null = null;
  /** Files this process just wrote (their sha256) or removed (null), so the watcher does not rebuild for them again. */
  private readonly ownChanges = new Map<string, string | null>();

  constructor(private readonly options: CorpusUpdatesOptions) {}

  /** Adds the uploads that pass every check, then updates the index with them. */
  async add(uploads: readonly Upload[], request: { title?: string; onProgress?: (p: BuildProgress) => void } = {}): Promise<AddOutcome> {
    const { corpusDir, maxUploadBytes, maxArticleBytes } = this.options;
    const report = await addArticles(uploads, { corpusDir, maxUploadBytes, maxArticleBytes, title: request.title });
    for (const article of report.added) await this.noteOwnChange(article.file);
    if (report.added.length === 0) return { added: [], refused: report.refused };
    this.options.log.info({ files: report.added.map((a) => a.file) }, 'articles added to the corpus');
    const rebuilt = await this.rebuildReporting(request.onProgress);
    if ('error' in rebuilt) return { added: report.added.map((a) => ({ ...a, passages: null })), refused: report.refused, rebuildError: rebuilt.error };
    const documents = (await this.options.index.current()).manifest.documents;
    return { added: report.added.map((a) => ({ ...a, passages: documents[a.file]?.chunks ?? 0 })), refused: report.refused };
  }

  /** Removes one article by its file name as listed, then updates the index. Throws ArticleInputError. */
  async remove(name: string, request: { onProgress?: (p: BuildProgress) => void } = {}): Promise<RemoveOutcome> {
    // Checked before the index is read: a bad name needs no model or index loaded (the command line starts cold).
    await assertRemovable(this.options.corpusDir, name);
    const title = (await this.options.index.current()).manifest.documents[name]?.title ?? null;
    const file = await removeArticle(this.options.corpusDir, name);
    if (this.watcher) this.ownChanges.set(file, null);
    this.options.log.info({ file }, 'article removed from the corpus');
    const rebuilt = await this.rebuildReporting(request.onProgress);
    if ('error' in rebuilt) return { file, title, documents: null, rebuildError: rebuilt.error };
    return { file, title, documents: rebuilt.summary.documents };
  }

  /** One rebuild at a time; while one runs, callers share the single rebuild queued after it. */
  rebuild(onProgress?: (p: BuildProgress) => void): Promise<BuildSummary> {
    if (!this.active) return this.run(new Set(onProgress ? [onProgress] : []));
    if (!this.next) {
      const listeners = new Set<(p: BuildProgress) => void>();
      const promise = this.active
        .catch(() => {})
        .then(() => {
          this.next = null;
          return this.run(listeners);
        });
      this.next = { promise, listeners };
    }
    if (onProgress) this.next.listeners.add(onProgress);
    return this.next.promise;
  }

  /** Starts watching the corpus folder; changes made by other means update the index. */
  watch(): void {
    if (this.watcher) return;
    const failed = (err: unknown) => this.options.log.error({ err }, 'watching the corpus folder failed; use /reindex after changing it');
    try {
      this.watcher = watchCorpusFolder(this.options.corpusDir, {
        debounceMs: this.options.watchDebounceMs ?? DEFAULT_WATCH_DEBOUNCE_MS,
        onChanges: (names) => void this.onWatchedChanges(names),
        onError: failed,
      });
    } catch (err) {
      // A missing or unreadable folder: the bot still answers from the index it has.
      failed(err);
      return;
    }
    this.options.log.info({ folder: this.options.corpusDir }, 'watching the corpus folder for changes');
  }

  stopWatching(): void {
    this.watcher?.close();
    this.watcher = null;
    this.ownChanges.clear();
  }

  private run(listeners: Set<(p: BuildProgress) => void>): Promise<BuildSummary> {
    const { index } = this.options;
    const running = (async () => {
      for (;;) {
        // A /reindex may be building: wait for it rather than fail (the index service refuses a second build).
        while (index.isRebuilding) await new Promise((resolve) => setTimeout(resolve, IDLE_POLL_MS));
        try {
          return await index.rebuild((p) => listeners.forEach((listener) => listener(p)));
        } catch (err) {
          // Another process writes the index (a shard whose watcher saw the same change, `npm run index`): wait for
          // it; the rebuild then starts from its generation and builds only what it left out.
          if (!(err instanceof WriterLockBusyError)) throw err;
          await index.waitForOtherWriter();
        }
      }
    })();
    this.active = running;
    const clear = () => {
      if (this.active === running) this.active = null;
    };
    running.then(clear, clear);
    return running;
  }

  private async rebuildReporting(onProgress?: (p: BuildProgress) => void): Promise<{ summary: BuildSummary } | { error: string }> {
    try {
      const summary = await this.rebuild(onProgress);
      this.options.log.info(summaryFields(summary), describeSummary(summary));
      return { summary };
    } catch (err) {
      this.options.log.error({ err }, 'updating the index after a corpus change failed; the previous index stays in use');
      return { error: err instanceof Error ? err.message : String(err) };
    }
  }

  private async onWatchedChanges(names: ReadonlySet<string> | null): Promise<void> {
    const { log } = this.options;
    const others = names === null ? null : await this.withoutOwnChanges(names);
    if (others !== null && others.length === 0) {
      log.debug({ files: [...(names ?? [])] }, 'corpus change made by this bot: already indexed');
      return;
    }
    log.info({ files: others ?? 'unknown' }, 'corpus folder changed: updating the index');
    try {
      const summary = await this.rebuild();
      log.info(summaryFields(summary), summary.rebuilt ? `index updated after a corpus change: ${describeSummary(summary)}` : 'corpus change needed no index update');
    } catch (err) {
      log.error({ err }, 'updating the index after a corpus change failed; the previous index stays in use');
    }
  }

  /** The names whose present state is not the one this process left them in. */
  private async withoutOwnChanges(names: ReadonlySet<string>): Promise<string[]> {
    const others: string[] = [];
    for (const name of names) {
      if (!this.ownChanges.has(name)) {
        others.push(name);
        continue;
      }
      const expected = this.ownChanges.get(name);
      this.ownChanges.delete(name);
      if ((await this.hashOf(name)) !== expected) others.push(name);
    }
    return others;
  }

  private async noteOwnChange(file: string): Promise<void> {
    if (this.watcher) this.ownChanges.set(file, await this.hashOf(file));
  }

  private async hashOf(file: string): Promise<string | null> {
    try {
      return createHash('sha256').update(await readFile(path.join(this.options.corpusDir, file))).digest('hex');
    } catch {
      return null;
    }
  }
}

/** What changed, for the log: the build summary's file lists. */
function summaryFields(summary: BuildSummary) {
  const { added, changed, removed, unchanged, skipped, chunks } = summary;
  return { added, changed, removed, unchanged, skipped: skipped.map((s) => `${s.source} (${s.reason})`), passages: chunks };
}
