import { escapeMarkdown, MessageFlags, SlashCommandBuilder } from 'discord.js';
import { answerInThread, threadRefusal } from '../answer-in-thread.js';
import { answerForDiscord, checkQuestion } from '../ask-flow.js';
import { settingsOrRefuseWhereOff } from '../channel-settings-lookup.js';
import { NO_PINGS, type BotCommand } from '../context.js';

export const askCommand: BotCommand = {
  data: new SlashCommandBuilder()
    .setName('ask')
    .setDescription('Ask a question; get cited excerpts from the news articles.')
    .addStringOption((o) => o.setName('question').setDescription('Your question').setRequired(true).setMaxLength(500))
    .addIntegerOption((o) => o.setName('results').setDescription('How many excerpts (1–5; default: the channel’s setting, 3 unless changed)').setMinValue(1).setMaxValue(5))
    .addBooleanOption((o) => o.setName('thread').setDescription('Answer in a new thread, where follow-ups can be asked (default: the channel’s setting)')),

  async execute(interaction, context) {
    const settings = await settingsOrRefuseWhereOff(interaction, context);
    if (!settings) return;
    const check = checkQuestion(context, interaction.user.id, interaction.options.getString('question', true));
    if (!check.ok) {
      await interaction.reply({ content: check.reason, flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS });
      return;
    }
    // Acknowledge first: loading the index or the model may take longer than Discord's 3 seconds.
    await interaction.deferReply();
    // The asker's choice, else the channel's.
    const asked = interaction.options.getInteger('results');
    const results = asked === null ? settings.citations : Math.min(5, Math.max(1, asked));
    const asker = { userId: interaction.user.id, guildId: interaction.guildId, channelId: interaction.channelId };
    // Discord shows "used /ask" above the reply but not the question, so the reply says what was asked.
    const reply = await answerForDiscord(context, check.question, asker, results, { showQuestion: true });
    if (interaction.options.getBoolean('thread') ?? settings.threads) {
      const refusal = threadRefusal(interaction.channel);
      if (!refusal) {
        // The channel keeps one line per question; the answer and its follow-ups go in the thread under it.
        const lead = await interaction.editReply({ content: threadLead(check.question), allowedMentions: NO_PINGS });
        if (await answerInThread(context, lead, check.question, reply)) return;
      } else {
        context.logger.info({ channel: interaction.channelId, reason: refusal }, 'answered in place: no thread');
      }
    }
    await interaction.editReply({ ...reply, allowedMentions: NO_PINGS });
  },
};

/** The line left in the channel above a thread's answer. */
export function threadLead(question: string): string {
  return `**${escapeMarkdown(question)}**\n-# The answer is in the thread; mention me there to follow up.`;
}
