/*
 * Where a full index build spends its time, for extrapolating to a million passages: runs the build exactly as the
 * build process does (buildIndex with the offline model, no previous index) but in this process under V8's sampling
 * profiler, and prints the wall time of each progress phase and the CPU self time by file and by function (native
 * calls, hnswlib's addPoint and onnxruntime's run, charged to their JS caller). The "indexing" phase holds HNSW
 * construction, the per-article statistics and story grouping; the profile splits them.
 *
 *   npx tsx src/bench/build-profile.ts <corpus folder> [--json FILE]
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { buildIndex } from '../index/build.js';
import { createEmbedder } from '../embed/transformers-embedder.js';
import { OFFLINE_MODEL_ID } from '../embed/offline-model.js';
import { profileDuring } from './cpu-profile.js';
import { phaseTimer } from './phases.js';

/** A build runs for minutes: 1 ms samples keep the profile small and still give tens of thousands of them. */
const SAMPLING_US = 1000;

const [corpusDir, jsonFlag, jsonFile] = process.argv.slice(2);
if (!corpusDir || (jsonFlag !== undefined && (jsonFlag !== '--json' || !jsonFile))) {
  process.stderr.write('usage: npx tsx src/bench/build-profile.ts <corpus folder> [--json FILE]\n');
  process.exit(2);
}
const indexDir = await mkdtemp(path.join(os.tmpdir(), 'newsdesk-build-profile-'));
try {
  const embedder = await createEmbedder({ model: OFFLINE_MODEL_ID, allowRemote: false });
  const phases = phaseTimer();
  // V8's heap is capped (4 GiB by default on this machine) whatever the RAM: the build's peak heap tells how far
  // from the cap a larger corpus gets. Sampled when the build yields, so a peak inside a long synchronous step
  // (story grouping) can be missed; the final figure after it is not.
  let peakHeapMiB = 0;
  const sampleHeap = () => (peakHeapMiB = Math.max(peakHeapMiB, process.memoryUsage().heapUsed / 2 ** 20));
  const sampler = setInterval(sampleHeap, 200);
  const started = performance.now();
  let summary: Awaited<ReturnType<typeof buildIndex>>['summary'] | undefined;
  const profile = await profileDuring(async () => {
    ({ summary } = await buildIndex({ corpusDir, indexDir, embedder, onProgress: phases.onProgress }));
  }, SAMPLING_US);
  clearInterval(sampler);
  sampleHeap();
  const report = {
    documents: summary!.documents,
    passages: summary!.chunks,
    seconds: (performance.now() - started) / 1000,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    peakHeapMiB,
    heapLimitMiB: getHeapStatistics().heap_size_limit / 2 ** 20,
    phases: phases.finish(),
    profile,
  };
  const share = (l: { name: string; selfMs: number; share: number }) => `  ${(l.selfMs / 1000).toFixed(1).padStart(7)} s ${(l.share * 100).toFixed(1).padStart(5)}%  ${l.name}`;
  process.stdout.write(
    [
      `${report.documents} documents, ${report.passages} passages: ${report.seconds.toFixed(1)} s, peak RSS ${report.peakRssMiB.toFixed(0)} MiB, V8 heap ${report.peakHeapMiB.toFixed(0)} of ${report.heapLimitMiB.toFixed(0)} MiB`,
      `phases: ${report.phases.map((p) => `${p.phase} ${p.seconds.toFixed(1)} s`).join(', ')}`,
      `CPU self time by file (${(profile.totalMs / 1000).toFixed(1)} s):`,
      ...profile.byFile.map(share),
      'by function:',
      ...profile.byFunction.map(share),
      '',
    ].join('\n'),
  );
  if (jsonFile) await writeFile(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
} finally {
  await rm(indexDir, { recursive: true, force: true });
}
