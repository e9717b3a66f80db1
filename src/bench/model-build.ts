/*
 * Child-process entry: times the one-time build of the offline model into an empty cache directory (what a fresh
 * checkout pays on first use). A child of its own, because the build reads a 300 MB GloVe file and its peak
 * memory must not be charged to either corpus. Run as `node --import tsx src/bench/model-build.ts <cacheDir>`.
 */
import { ensureOfflineModel } from '../embed/offline-model.js';
import { ownCpuMs } from './machine.js';
import type { ModelBuildFigures } from './types.js';

export async function measureModelBuild(cacheDir: string): Promise<ModelBuildFigures> {
  const t = performance.now();
  await ensureOfflineModel(cacheDir, (message) => process.stderr.write(`[bench model] ${message}\n`));
  return { ms: performance.now() - t, rssMiB: process.resourceUsage().maxRSS / 1024, cpuMs: ownCpuMs() };
}

if (process.send && process.argv[2]) {
  measureModelBuild(process.argv[2]).then(
    (figures) => process.send!({ ok: true, figures }, () => process.exit(0)),
    (err: unknown) => process.send!({ ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }, () => process.exit(1)),
  );
}
