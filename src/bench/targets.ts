import type { CorpusFigures, TargetCheck } from './types.js';

/*
 * The project's performance and quality targets. They are reported beside the figures, never asserted: the bench
 * measures, and a missed target is a finding, not a failure of the run.
 */
const ms = (x: number) => `${x.toFixed(2)} ms`;
const s = (x: number) => `${x.toFixed(2)} s`;

export function checkTargets(corpora: readonly CorpusFigures[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const add = (c: CorpusFigures, measure: string, figure: string, target: string, met: boolean) =>
    checks.push({ corpus: c.label, measure, figure, target, met });

  for (const c of corpora) {
    // Checked on both indexes the bot may serve from: just built, and loaded from disk.
    for (const [which, figures] of [['built', c.latency.built], ['loaded', c.latency.loaded]] as const) {
      const latency = figures.total;
      if (c.name === 'seeds') {
        add(c, `retrieval p50 (${which})`, ms(latency.p50), '≤ 0.5 ms', latency.p50 <= 0.5);
      } else if (c.name === 'distractors') {
        add(c, `retrieval p50 (${which})`, ms(latency.p50), '≤ 2 ms', latency.p50 <= 2);
        add(c, `retrieval p95 (${which})`, ms(latency.p95), '≤ 5 ms', latency.p95 <= 5);
      }
    }
    if (c.name === 'distractors') add(c, 'full index build', s(c.build.seconds), '≤ 6 s', c.build.seconds <= 6);
    add(c, 'no-op reindex', s(c.reindex.noopMs / 1000), '< 0.5 s', c.reindex.noopMs < 500);
    add(c, `ANN recall@${c.recall.k}`, c.recall.recall.toFixed(4), '≥ 0.99', c.recall.recall >= 0.99);
    if (c.name === 'distractors') {
      const hybrid = c.eval.find((e) => e.mode === 'hybrid');
      if (hybrid) {
        add(c, 'hybrid hit@3 (in-corpus)', hybrid.hitAt3.toFixed(3), '= 1', hybrid.hitAt3 === 1);
        const allRejected = hybrid.outOfCorpusRejected === hybrid.outOfCorpus;
        add(c, 'hybrid out-of-corpus rejected', `${hybrid.outOfCorpusRejected}/${hybrid.outOfCorpus}`, 'all', allRejected);
      }
    }
  }
  return checks;
}
