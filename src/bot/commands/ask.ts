import { MessageFlags, SlashCommandBuilder } from 'discord.js';
import { answerForDiscord, checkQuestion } from '../ask-flow.js';
import { settingsOrRefuseWhereOff } from '../channel-settings-lookup.js';
import { NO_PINGS, type BotCommand } from '../context.js';

export const askCommand: BotCommand = {
  data: new SlashCommandBuilder()
    .setName('ask')
    .setDescription('Ask a question; get cited excerpts from the news articles.')
    .addStringOption((o) => o.setName('question').setDescription('Your question').setRequired(true).setMaxLength(500))
    .addIntegerOption((o) => o.setName('results').setDescription('How many excerpts (1–5; default: the channel’s setting, 3 unless changed)').setMinValue(1).setMaxValue(5)),

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
    await interaction.editReply({ ...reply, allowedMentions: NO_PINGS });
  },
};
