import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BuildProgress, BuildSummary } from './build.js';
import type { BuildOutcome, BuildRequest, IndexBuilder } from './builder.js';

/** What the parent sends the build process (as its one argument, JSON). */
export interface ChildBuildRequest {
  corpusDir: string;
  indexDir: string;
  /** The model id the parent's embedder resolved to: the child must build with exactly this one. */
  model: string;
  modelCacheDir?: string;
  /** Read the current generation from disk and reuse its vectors for unchanged documents. */
  reusePrevious: boolean;
  maxArticleBytes?: number;
}

/** What the build process sends back over IPC. */
export type ChildBuildMessage =
  | { type: 'progress'; progress: BuildProgress }
  | { type: 'log'; message: string }
  | { type: 'done'; summary: BuildSummary }
  | { type: 'failed'; message: string };

/** A build that did not finish; the message is one sentence, `detail` (for the log) the process's last output. */
export class IndexBuildError extends Error {
  override name = 'IndexBuildError';
  constructor(
    message: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}

const ENTRY = fileURLToPath(new URL('./child-builder-main.ts', import.meta.url));
/** The tsx loader, by absolute URL so the child finds it whatever its working directory. */
const TSX = import.meta.resolve('tsx');
/** Keep the end of the child's stdout/stderr for the log when it dies: a stack trace or V8's fatal error. */
const OUTPUT_TAIL_CHARS = 4000;
/** Settings the build process must not inherit: it reads articles, it never talks to Discord. */
const SECRET_ENV = ['DISCORD_TOKEN'];

/**
 * Builds the index in a child process (`node --import tsx child-builder-main.ts`), which loads its own embedder
 * with the same model and writes a new generation; the caller then loads it from disk. onnxruntime runs inference
 * synchronously, so on the bot's own thread a reindex would stall every gateway event for as long as it embeds.
 *
 * A child process rather than a worker thread: a native crash or V8 out-of-memory abort in onnxruntime or hnswlib
 * kills only the build, not the bot; the build runs at a lower OS priority, so on a small machine the bot's event
 * loop gets a core first; the build's few hundred MiB go back to the OS when it exits; and `--import tsx` works for
 * a child process under Node 20, where a worker needs a loader shim. Nothing would cross a thread boundary anyway:
 * hnswlib objects cannot, so the finished generation is handed over on disk either way.
 */
export class ChildProcessBuilder implements IndexBuilder {
  private child: ChildProcess | null = null;

  constructor(private readonly options: { model: string; modelCacheDir?: string }) {}

  /** The running build process, if any (for the operator's `ps`, and for tests that kill it). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  build(request: BuildRequest): Promise<BuildOutcome> {
    const childRequest: ChildBuildRequest = {
      corpusDir: request.corpusDir,
      indexDir: request.indexDir,
      model: this.options.model,
      modelCacheDir: this.options.modelCacheDir,
      reusePrevious: request.previous !== null,
      maxArticleBytes: request.maxArticleBytes,
    };
    const env = { ...process.env };
    for (const name of SECRET_ENV) delete env[name];
    request.onProgress?.({ phase: 'starting', done: 0, total: 1 });
    return new Promise<BuildOutcome>((resolve, reject) => {
      const child = fork(ENTRY, [JSON.stringify(childRequest)], {
        execArgv: ['--import', TSX],
        env,
        // stdout/stderr piped: the CLI's stdout carries JSON and the bot's carries log lines.
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      });
      this.child = child;
      let output = '';
      const keep = (data: Buffer) => (output = (output + data.toString('utf8')).slice(-OUTPUT_TAIL_CHARS));
      child.stdout?.on('data', keep);
      child.stderr?.on('data', keep);

      let outcome: { summary: BuildSummary } | { failure: string } | null = null;
      child.on('message', (message: ChildBuildMessage) => {
        if (message.type === 'progress') request.onProgress?.(message.progress);
        else if (message.type === 'log') request.log?.(message.message);
        else if (message.type === 'done') outcome = { summary: message.summary };
        else if (message.type === 'failed') outcome = { failure: message.message };
      });
      child.once('error', (err) => {
        this.child = null;
        reject(new IndexBuildError(`The index build process could not be started (${err.message}).`));
      });
      child.once('exit', (code, signal) => {
        if (this.child === child) this.child = null;
        const result = outcome as { summary: BuildSummary } | { failure: string } | null;
        if (result && 'summary' in result) resolve({ summary: result.summary });
        else if (result) reject(new IndexBuildError(result.failure, output.trim() || undefined));
        else reject(new IndexBuildError(describeDeath(code, signal, output), output.trim() || undefined));
      });
    });
  }
}

function describeDeath(code: number | null, signal: NodeJS.Signals | null, output: string): string {
  if (/heap out of memory|Allocation failed/i.test(output)) return 'The index build process ran out of memory before it finished.';
  const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
  return `The index build process ${how} before it finished.`;
}
