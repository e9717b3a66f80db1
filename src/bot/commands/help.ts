import { MessageFlags, SlashCommandBuilder } from 'discord.js';
import { NO_PINGS, type BotCommand } from '../context.js';

export const HELP_TEXT = [
  'I answer questions from this server’s collection of news articles, quoting the passages that answer them.',
  '',
  '• `/ask question:<your question>` — up to 3 cited excerpts (set `results` for 1–5).',
  '• Mention me with a question: `@me what did Lavrov say about a ceasefire?`',
  '• `/sources` — the articles I know.',
  '• `/reindex` — moderators: re-read the articles after they change.',
  '',
  'Every excerpt is quoted from an article, with its title, date and file; the sentence that best answers you is in bold. If no article answers, I say so rather than guess.',
].join('\n');

export const helpCommand: BotCommand = {
  data: new SlashCommandBuilder().setName('help').setDescription('What this bot does and how to ask it.'),
  async execute(interaction) {
    await interaction.reply({ content: HELP_TEXT, flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS });
  },
};
