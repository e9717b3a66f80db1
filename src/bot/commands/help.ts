import { MessageFlags, SlashCommandBuilder } from 'discord.js';
import { NO_PINGS, type BotCommand } from '../context.js';

export const HELP_TEXT = [
  'I answer questions from this server’s collection of news articles by quoting the sentences that answer them.',
  '',
  '• `/ask question:<your question>` — the answer, quoted, with up to 3 sources (set `results` for 1–5).',
  '• Mention me with a question: `@me what did Lavrov say about a ceasefire?`',
  '• Follow up by replying to one of my answers (or mentioning me in its thread): `and Iran?`, `when was that?`. `/ask … thread:True` answers in a new thread.',
  '• `/timeline topic:<a story, person or place>` — the articles about it in date order, one line each (`from`/`to` narrow the dates).',
  '• `/sources` — the articles I know.',
  '• 👍 / 👎 under an answer tell the moderators how it did; click the same one again to take your vote back.',
  '• **More** under an answer shows you the next sources for the same question (only you see them).',
  '• `/reindex` — moderators: re-read the articles after they change.',
  '• `/add file:<.txt, .md or .html>` and `/remove source:<file>` — moderators: add articles to the collection, or take one out.',
  '• `/feedback [days]` — moderators: the most down-voted answers and the questions I could not answer.',
  '• `/settings` — moderators: per channel, which messages I answer (mentions, every message, none), how many sources, threads.',
  '',
  'Each source shows the article’s title, date and file and a few lines from it, the answering sentence in bold. Only articles that answer are shown; if none does, I say so rather than guess.',
].join('\n');

export const helpCommand: BotCommand = {
  data: new SlashCommandBuilder().setName('help').setDescription('What this bot does and how to ask it.'),
  async execute(interaction) {
    await interaction.reply({ content: HELP_TEXT, flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS });
  },
};
