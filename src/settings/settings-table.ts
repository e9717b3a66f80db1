import type { StoredChannelSettings } from './channel-settings.js';

/**
 * The stored settings as aligned text lines for operators: one line per channel, "default" where nothing was
 * chosen (the bot's configuration decides there), and who changed it last, when.
 */
export function settingsTable(rows: readonly StoredChannelSettings[]): string[] {
  if (!rows.length) return ['No channel has settings of its own; every channel uses the defaults.'];
  const header = ['server', 'channel', 'mode', 'citations', 'threads', 'changed by', 'changed at (UTC)'];
  const cells = rows.map((r) => [
    r.guildId,
    r.channelId,
    r.mode ?? 'default',
    r.citations === null ? 'default' : String(r.citations),
    r.threads === null ? 'default' : r.threads ? 'yes' : 'no',
    r.updatedBy,
    new Date(r.updatedAt).toISOString().slice(0, 16).replace('T', ' '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), ...cells.map(line)];
}
