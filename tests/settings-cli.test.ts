/** `npm run settings`: the per-channel settings of every server, as aligned lines or one JSON object. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedbackStore } from '../src/feedback/feedback-store.js';
import { SettingsStore } from '../src/settings/settings-store.js';

const A = '111111111111111111';
const B = '222222222222222222';
let root: string;
let file: string;

function run(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/settings.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'settings-cli-'));
  file = path.join(root, 'bot.sqlite');
  const database = new FeedbackStore(file);
  const settings = new SettingsStore(database, { clock: () => Date.UTC(2026, 10, 23, 4, 5) });
  settings.update(A, '333333333333333333', { mode: 'off', citations: null, threads: null }, 'mod-a');
  settings.update(B, '444444444444444444', { mode: null, citations: 7, threads: true }, 'mod-b');
  database.close();
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('npm run settings', () => {
  it('--json: every server’s stored settings, null where the default applies', () => {
    const { code, stdout, stderr } = run(['--json', '--database', file]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const at = Date.UTC(2026, 10, 23, 4, 5);
    expect(JSON.parse(stdout)).toEqual({
      settings: [
        { guildId: A, channelId: '333333333333333333', mode: 'off', citations: null, threads: null, updatedBy: 'mod-a', updatedAt: at },
        { guildId: B, channelId: '444444444444444444', mode: null, citations: 7, threads: true, updatedBy: 'mod-b', updatedAt: at },
      ],
    });
  });

  it('as text, from DATABASE_PATH: a header and one aligned line per channel', () => {
    const { code, stdout } = run([], { DATABASE_PATH: file });
    expect(code).toBe(0);
    expect(stdout.trimEnd().split('\n')).toEqual([
      'server              channel             mode     citations  threads  changed by  changed at (UTC)',
      `${A}  333333333333333333  off      default    default  mod-a       2026-11-23 04:05`,
      `${B}  444444444444444444  default  7          yes      mod-b       2026-11-23 04:05`,
    ]);
  });

  it('never creates a database that is not there, and says so', () => {
    const missing = path.join(root, 'nope', 'bot.sqlite');
    const { code, stdout, stderr } = run(['--database', missing]);
    expect(code).toBe(0);
    expect(stderr).toBe(`No database at ${missing} yet: the bot creates it when it first starts.\n`);
    expect(stdout).toBe('No channel has settings of its own; every channel uses the defaults.\n');
    expect(existsSync(missing)).toBe(false);
  });

  it('a damaged file or a bad flag: one line, exit 1 or 2, the file untouched', async () => {
    const damaged = path.join(root, 'damaged.sqlite');
    await writeFile(damaged, 'not a database '.repeat(100));
    const broken = run(['--database', damaged]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toBe(`error: The database ${damaged} is damaged or not a SQLite database; it is left untouched: repair it or move it away.\n`);
    const bad = run(['--days', '3']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
});
