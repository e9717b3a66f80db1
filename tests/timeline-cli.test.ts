import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempCorpus } from './helpers/seed-runtime.js';

let corpusDir: string;
let indexDir: string;

beforeAll(async () => {
  ({ corpusDir, indexDir } = await tempCorpus('timeline-cli-'));
});

/** Runs the timeline entry point the way `npm run --silent timeline -- …` does. */
function timeline(args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/timeline.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, EMBEDDING_MODEL: 'glove-sif-100d', INDEX_DIR: indexDir, CORPUS_DIR: corpusDir },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run timeline', () => {
  it('--json prints one object: entries oldest first, undated last, the range and as of', () => {
    const { code, stdout } = timeline(['--json', '--to', '2023', 'Lavrov']);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const t = JSON.parse(lines[0]);
    expect(Object.keys(t).sort()).toEqual(['answered', 'asOf', 'entries', 'model', 'ms', 'range', 'searchedFor', 'subject', 'topic', 'verdict'].sort());
    expect(t).toMatchObject({ topic: 'Lavrov', answered: true, range: { from: null, to: '2023-12-31' }, asOf: { date: '2024-11-04', articles: 5 } });
    expect(t.entries.map((e: { date: string | null }) => e.date)).toEqual(['2023-11-12', '2023-12-28', null, null]);
  });

  it('prints the readable timeline: one line per article and the closing facts', () => {
    const { code, stdout } = timeline(['Hezbollah', 'in', '2024']);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe('Timeline: Hezbollah (1 article)');
    expect(lines[2]).toMatch(/^4 Nov 2024 — \*\*Russian Foreign Sergey Lavrov.+\*\* — In an interview .+ — 000_d618012357f11240\.txt$/);
    expect(lines.at(-1)).toBe('topic: Hezbollah in 2024 · searched for: hezbollah · 1 Jan 2024 to 31 Dec 2024 · as of 4 Nov 2024, 5 articles');
  });

  it('a bad date or topic prints one line and exits 2 without loading anything', () => {
    for (const args of [['--from', 'someday', 'Lavrov'], [' '], ['x'.repeat(61)], ['--bogus', 'Lavrov']]) {
      const { code, stdout, stderr } = timeline(args);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
