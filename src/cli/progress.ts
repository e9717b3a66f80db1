import { SingleBar, Presets } from 'cli-progress';
import { openRuntime, type Runtime } from '../app/runtime.js';
import type { CoreSettings } from '../app/settings.js';
import type { BuildProgress } from '../index/build.js';
import type { IndexSnapshot } from '../index/snapshot.js';

/**
 * Index build progress on stderr: a bar on a terminal, a line per phase otherwise (CI logs and pipes would fill
 * with redraws). stdout is never touched, so `ask --json` output stays clean.
 */
export function stderrProgress(): { update: (p: BuildProgress) => void; stop: () => void } {
  let bar: SingleBar | null = null;
  let phase: BuildProgress['phase'] | null = null;
  const interactive = Boolean(process.stderr.isTTY);
  return {
    update(p) {
      if (p.phase !== phase) {
        bar?.stop();
        bar = null;
        phase = p.phase;
        if (p.phase === 'embedding' && interactive && p.total > 0) {
          bar = new SingleBar({ stream: process.stderr, format: 'Embedding passages [{bar}] {value}/{total}', hideCursor: true }, Presets.shades_classic);
          bar.start(p.total, p.done);
        } else {
          process.stderr.write(`${describePhase(p)}\n`);
        }
        return;
      }
      bar?.update(p.done);
    },
    stop() {
      bar?.stop();
    },
  };
}

function describePhase(p: BuildProgress): string {
  if (p.phase === 'starting') return 'Starting the index build…';
  if (p.phase === 'loading') return `Loading the new index (${p.total} passages)…`;
  if (p.phase === 'embedding') return `Embedding ${p.total} passages…`;
  if (p.phase === 'indexing') return `Indexing ${p.total} passages…`;
  return 'Writing the index…';
}

/** The runtime and its current index for a command-line run, building the index (progress on stderr) when needed. */
export async function openIndexForCli(settings: CoreSettings): Promise<{ runtime: Runtime; snapshot: IndexSnapshot }> {
  const runtime = await openRuntime(settings, (message) => process.stderr.write(`${message}\n`));
  const progress = stderrProgress();
  const snapshot = await runtime.index.current(progress.update);
  progress.stop();
  return { runtime, snapshot };
}
