import type { FeedbackStore, StoreResult } from './feedback-store.js';

export interface ReportOptions {
  /** The last N days, counted back from now. */
  days: number;
  /** Only this server's answers; null = every server (the CLI). */
  guildId: string | null;
  /** Rows per list (default 10). */
  limit?: number;
}

export interface DownVotedAnswer {
  answerId: string;
  question: string;
  answered: boolean;
  sources: string[];
  down: number;
  up: number;
  /** ISO 8601. */
  askedAt: string;
  guildId: string | null;
  channelId: string | null;
}

export interface UnansweredQuestion {
  /** The most recent wording among the questions that normalise to the same text. */
  question: string;
  times: number;
  /** How many different people asked it. */
  askers: number;
  /** ISO 8601. */
  lastAskedAt: string;
}

/** What moderators see with /feedback and `npm run feedback`. */
export interface FeedbackReport {
  days: number;
  /** ISO 8601: answers given from this moment on are counted. */
  since: string;
  guildId: string | null;
  totals: { answers: number; unanswered: number; up: number; down: number };
  downVoted: DownVotedAnswer[];
  unanswered: UnansweredQuestion[];
}

export const DEFAULT_REPORT_DAYS = 7;
export const MAX_REPORT_DAYS = 3650;
const DAY_MS = 86_400_000;

/** The most down-voted answers and the most frequent unanswered questions among the answers of the last N days. */
export function feedbackReport(store: FeedbackStore, options: ReportOptions): StoreResult<FeedbackReport> {
  const since = store.now() - options.days * DAY_MS;
  const params = { since, guild: options.guildId, limit: options.limit ?? 10 };
  const inWindow = 'a.created_at >= @since AND (@guild IS NULL OR a.guild_id = @guild)';
  return store.read((db) => {
    const totals = db
      .prepare(
        `SELECT COUNT(*) AS answers, COALESCE(SUM(a.answered = 0), 0) AS unanswered,
                (SELECT COUNT(*) FROM votes v JOIN answers a ON a.id = v.answer_id WHERE ${inWindow} AND v.vote = 1) AS up,
                (SELECT COUNT(*) FROM votes v JOIN answers a ON a.id = v.answer_id WHERE ${inWindow} AND v.vote = -1) AS down
         FROM answers a WHERE ${inWindow}`,
      )
      .get(params) as FeedbackReport['totals'];
    const downVoted = db
      .prepare(
        `SELECT a.id, a.question, a.answered, a.sources, a.created_at, a.guild_id, a.channel_id,
                SUM(v.vote = -1) AS down, SUM(v.vote = 1) AS up
         FROM answers a JOIN votes v ON v.answer_id = a.id
         WHERE ${inWindow}
         GROUP BY a.id HAVING down > 0
         ORDER BY down DESC, up ASC, a.created_at DESC
         LIMIT @limit`,
      )
      .all(params) as Array<{
      id: string;
      question: string;
      answered: number;
      sources: string;
      created_at: number;
      guild_id: string | null;
      channel_id: string | null;
      down: number;
      up: number;
    }>;
    // With MAX(), SQLite takes the bare column `question` from the row holding the maximum: the latest wording.
    const unanswered = db
      .prepare(
        `SELECT question_key(a.question) AS key, a.question, MAX(a.created_at) AS last, COUNT(*) AS times,
                COUNT(DISTINCT a.user_id) AS askers
         FROM answers a
         WHERE a.answered = 0 AND ${inWindow}
         GROUP BY key
         ORDER BY times DESC, last DESC
         LIMIT @limit`,
      )
      .all(params) as Array<{ question: string; last: number; times: number; askers: number }>;
    return {
      days: options.days,
      since: new Date(since).toISOString(),
      guildId: options.guildId,
      totals: { answers: totals.answers, unanswered: totals.unanswered, up: totals.up, down: totals.down },
      downVoted: downVoted.map((r) => ({
        answerId: r.id,
        question: r.question,
        answered: r.answered === 1,
        sources: JSON.parse(r.sources) as string[],
        down: r.down,
        up: r.up,
        askedAt: new Date(r.created_at).toISOString(),
        guildId: r.guild_id,
        channelId: r.channel_id,
      })),
      unanswered: unanswered.map((r) => ({
        question: r.question,
        times: r.times,
        askers: r.askers,
        lastAskedAt: new Date(r.last).toISOString(),
      })),
    };
  });
}

/** The report as lines of text, for the terminal and for Discord alike (no markup, so both read it as is). */
export function reportLines(report: FeedbackReport, maxQuestionChars = 200): string[] {
  const { totals } = report;
  const clip = (text: string) => {
    const chars = [...text.replace(/\s+/g, ' ')];
    return chars.length > maxQuestionChars ? `${chars.slice(0, maxQuestionChars - 1).join('')}…` : chars.join('');
  };
  const day = (iso: string) => iso.slice(0, 10);
  const lines = [
    `Last ${report.days} day${report.days === 1 ? '' : 's'} (since ${day(report.since)}): ${totals.answers} answers, ` +
      `${totals.unanswered} unanswered; votes 👍 ${totals.up} · 👎 ${totals.down}.`,
    '',
    'Most down-voted answers:',
  ];
  if (!report.downVoted.length) lines.push('  (none)');
  report.downVoted.forEach((a, i) => {
    const cited = a.answered ? `cited ${a.sources.map((s) => s.split('/').pop()).join(', ')}` : 'not answered';
    lines.push(`${i + 1}. 👎 ${a.down} · 👍 ${a.up} — “${clip(a.question)}” (${day(a.askedAt)}, ${cited})`);
  });
  lines.push('', 'Most frequent unanswered questions:');
  if (!report.unanswered.length) lines.push('  (none)');
  report.unanswered.forEach((q, i) => {
    const askers = `${q.askers} ${q.askers === 1 ? 'person' : 'people'}`;
    lines.push(`${i + 1}. ${q.times}× — “${clip(q.question)}” (${askers}, last ${day(q.lastAskedAt)})`);
  });
  return lines;
}
