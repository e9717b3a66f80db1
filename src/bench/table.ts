import type { Distribution } from './percentiles.js';
import type { BenchReport, CorpusFigures } from './types.js';

/** A GitHub-flavoured markdown table; cells are padded so the raw text lines up in a terminal too. */
export function markdownTable(headers: string[], rows: string[][], rightAligned: boolean[] = []): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (rightAligned[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (rightAligned[i] ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

// answerQuestion's stage names, said the way the answer path splits them (see AnswerTimings in answer.ts).
const STAGE_LABELS: Record<string, string> = {
  embedMs: 'embed',
  searchMs: 'search (kNN + BM25 + fusion)',
  formatMs: 'format (relevance, dedupe, highlight)',
};

/** Above this share of the CPU taken by other processes, the timings of a 2-core machine are visibly inflated. */
const BUSY_SHARE = 0.1;

const fixed = (digits: number) => (x: number) => (Number.isFinite(x) ? x.toFixed(digits) : '—');
const ms3 = fixed(3);
const ms1 = fixed(1);
/** Seconds spent in phase `name` (summed: a phase may recur if progress events interleave). */
const phaseSeconds = (phases: ReadonlyArray<{ phase: string; seconds: number }>, name: string) =>
  phases.filter((p) => p.phase === name).reduce((sum, p) => sum + p.seconds, 0);
const dist = (d: Distribution | undefined, f = ms3) => (d ? `${f(d.p50)} / ${f(d.p95)} / ${f(d.max)}` : '—');

function figureRows(corpora: readonly CorpusFigures[]): string[][] {
  const row = (label: string, value: (c: CorpusFigures) => string) => [label, ...corpora.map(value)];
  const stageNames = [...new Set(corpora.flatMap((c) => Object.keys(c.latency.built.stages)))];
  const phaseNames = [...new Set(corpora.flatMap((c) => c.build.phases.map((p) => p.phase)))];
  const reindexPhases = [...new Set(corpora.flatMap((c) => c.reindex.oneChangedPhases.map((p) => p.phase)))];
  return [
    row('import runtime modules (ms)', (c) => ms1(c.importMs)),
    row('model + lexicon load, openRuntime (ms)', (c) => ms1(c.modelLoadMs)),
    row('documents / passages / vectors', (c) => `${c.build.documents} / ${c.build.chunks} / ${c.build.vectors}`),
    row('full index build (s)', (c) => fixed(2)(c.build.seconds)),
    row('passages per second', (c) => fixed(0)(c.build.chunksPerSecond)),
    ...phaseNames.map((p) =>
      row(`  build phase: ${p} (s)`, (c) => fixed(3)(phaseSeconds(c.build.phases, p))),
    ),
    row('longest event-loop stall during the full build (ms)', (c) => ms1(c.build.longestStallMs)),
    row('peak RSS of the answering process: model loaded / built / end (MiB)', (c) => [c.rssMiB.afterModelLoad, c.rssMiB.afterBuild, c.rssMiB.end].map(fixed(0)).join(' / ')),
    row('peak RSS of the build process: full build / one article changed (MiB)', (c) => [c.build.childPeakMiB, c.reindex.oneChangedChildPeakMiB].map((x) => (x === null ? '—' : fixed(0)(x))).join(' / ')),
    row('serving after load and GC: RSS / V8 heap / external (MiB)', (c) => [c.serving.rssMiB, c.serving.heapUsedMiB, c.serving.externalMiB].map(fixed(0)).join(' / ')),
    row('index on disk (MiB)', (c) => fixed(1)(Object.values(c.indexFilesMiB).reduce((a, b) => a + b, 0))),
    row('index load from disk (ms); longest stall in it (ms)', (c) => `${ms1(c.reindex.loadFromDiskMs)}; ${ms1(c.reindex.loadStallMs)}`),
    ...(['built', 'loaded'] as const).flatMap((which) => [
      row(`retrieval p50 / p95 / max, index ${which === 'built' ? 'just built' : 'loaded from disk'} (ms)`, (c) => dist(c.latency[which].total)),
      ...stageNames.map((s) => row(`  ${STAGE_LABELS[s] ?? s} (ms)`, (c) => dist(c.latency[which].stages[s]))),
      row(`  first ask of each question, cold (ms)`, (c) => dist(c.latency[which].firstPass)),
    ]),
    row('latency samples per index (questions × repeat)', (c) => `${c.latency.built.total.n} (${c.latency.built.questions} × ${c.latency.built.repeat})`),
    row('no-op reindex (ms)', (c) => `${ms1(c.reindex.noopMs)}${c.reindex.noopRebuilt ? ' (rebuilt!)' : ''}`),
    row('one article changed reindex (ms)', (c) => `${ms1(c.reindex.oneChangedMs)} (${c.reindex.oneChangedCount} changed)`),
    row(`  its phases: ${reindexPhases.join(' / ')} (s)`, (c) => reindexPhases.map((p) => fixed(2)(phaseSeconds(c.reindex.oneChangedPhases, p))).join(' / ')),
    row('  longest event-loop stall during it (ms)', (c) => ms1(c.reindex.oneChangedStallMs)),
    row('HNSW m / efConstruction / efSearch', (c) => `${c.hnsw.m} / ${c.hnsw.efConstruction} / ${c.hnsw.efSearch}`),
    row('ANN recall@10 mean (worst query)', (c) => `${fixed(4)(c.recall.recall)} (${fixed(2)(c.recall.worst)})`),
    row('ANN recall queries (questions + passages)', (c) => `${c.recall.questionQueries} + ${c.recall.passageQueries}`),
  ];
}

function evalRows(corpora: readonly CorpusFigures[]): string[][] {
  return corpora.flatMap((c) =>
    c.eval.map((e) => [
      c.label,
      e.mode,
      fixed(3)(e.hitAt1),
      fixed(3)(e.hitAt3),
      fixed(3)(e.mrr),
      fixed(3)(e.answerInTop3),
      `${e.outOfCorpusRejected}/${e.outOfCorpus}`,
      `${e.inCorpusRejected}/${e.inCorpus}`,
    ]),
  );
}

function efRows(corpora: readonly CorpusFigures[]): string[][] {
  const efs = [...new Set(corpora.flatMap((c) => c.efSweep.map((p) => p.ef)))].sort((a, b) => a - b);
  return efs.map((ef) => [
    String(ef),
    ...corpora.flatMap((c) => {
      const point = c.efSweep.find((p) => p.ef === ef);
      return point ? [fixed(4)(point.recall), `${fixed(0)(point.searchUs.p50)} / ${fixed(0)(point.searchUs.p95)}`] : ['—', '—'];
    }),
  ]);
}

function structureRows(corpora: readonly CorpusFigures[]): string[][] {
  return corpora.flatMap((c) =>
    c.structures.map((f) => [c.label, f.structure, fixed(1)(f.fileMiB), fixed(0)(f.heapMiB), fixed(0)(f.externalMiB), f.nativeMiB === null ? '—' : fixed(0)(f.nativeMiB), fixed(0)(f.loadMs)]),
  );
}

/** The profile of the largest corpus only: that is where the cost is, and the small ones are mostly start-up. */
function profileSection(corpora: readonly CorpusFigures[]): string[] {
  const largest = [...corpora].sort((a, b) => b.build.chunks - a.build.chunks)[0];
  if (!largest) return [];
  const { questionProfile: p, latency } = largest;
  const lines = (list: typeof p.byFile) => list.map((l) => [l.name, fixed(0)(l.selfMs), `${(l.share * 100).toFixed(1)}%`]);
  return [
    `### Where a warm question's time goes: ${largest.label} (CPU profile of ${latency.loaded.total.n} asks, ${ms1(p.totalMs)} ms self time)`,
    '',
    markdownTable(['file or package', 'self ms', 'share'], lines(p.byFile), [false, true, true]),
    '',
    markdownTable(['function', 'self ms', 'share'], lines(p.byFunction), [false, true, true]),
    '',
  ];
}

export function renderReport(report: BenchReport): string {
  const { machine, corpora } = report;
  const first = report.modelFirstBuild;
  const out: string[] = [
    `## Benchmark (${report.startedAt})`,
    '',
    `Machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB.toFixed(1)} GiB, Node ${machine.node} on ${machine.platform}. ` +
      `Model ${report.model}; questions ${report.questionsFile} × ${report.repeat}, hybrid mode, k 3, warm.`,
    `Other processes used ${(machine.othersCpuShareDuringRun * 100).toFixed(0)}% of the CPU during the run` +
      (machine.othersCpuShareDuringRun > BUSY_SHARE ? ' — timings are inflated; run again on a quiet machine.' : ' (quiet enough).') +
      ` Calibration workload: ${ms1(machine.calibration.beforeMs)} ms before, ${ms1(machine.calibration.afterMs)} ms after` +
      ' (compare across runs: on a VM a slower host shows here first).',
    first
      ? `Offline model first build (empty cache): ${(first.ms / 1000).toFixed(2)} s, peak RSS ${first.rssMiB.toFixed(0)} MiB.`
      : 'Offline model first build: not measured.',
    '',
    '### Targets',
    '',
    markdownTable(
      ['corpus', 'measure', 'figure', 'target', '✓/✗'],
      report.targets.map((t) => [t.corpus, t.measure, t.figure, t.target, t.met ? '✓' : '✗']),
      [false, false, true, false, false],
    ),
    '',
    '### Figures',
    '',
    markdownTable(['measure', ...corpora.map((c) => c.label)], figureRows(corpora), [false, ...corpora.map(() => true)]),
    '',
    '### Retrieval quality (eval on the dev questions, top 3)',
    '',
    markdownTable(
      ['corpus', 'mode', 'hit@1', 'hit@3', 'MRR', 'answer in top 3', 'out-of-corpus rejected', 'in-corpus rejected'],
      evalRows(corpora),
      [false, false, true, true, true, true, true, true],
    ),
    '',
    '### Memory by index structure (each loaded alone; MiB)',
    '',
    markdownTable(
      ['corpus', 'structure', 'file', 'V8 heap', 'external', 'native', 'load ms'],
      structureRows(corpora),
      [false, false, true, true, true, true, true],
    ),
    '',
    ...profileSection(corpora),
    '### HNSW efSearch: recall@10 and one kNN search of the retrieval pool (µs p50 / p95)',
    '',
    markdownTable(
      ['ef', ...corpora.flatMap((c) => [`${c.label} recall`, `${c.label} µs`])],
      efRows(corpora),
      [true, ...corpora.flatMap(() => [true, true])],
    ),
    '',
  ];
  return out.join('\n');
}
