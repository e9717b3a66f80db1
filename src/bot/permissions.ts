import { GuildMember, MessageFlags, PermissionFlagsBits, type AutocompleteInteraction, type ChatInputCommandInteraction } from 'discord.js';
import { NO_PINGS, type BotContext } from './context.js';

/**
 * Moderator = Manage Server, or one of the configured roles. Checked when the command runs: hiding /reindex
 * from other members (default_member_permissions) is only a convenience that server admins can override.
 */
export function isModerator(interaction: ChatInputCommandInteraction | AutocompleteInteraction, moderatorRoleIds: readonly string[]): boolean {
  if (!interaction.inGuild()) return false;
  if (interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) return true;
  const member = interaction.member;
  const roles = member instanceof GuildMember ? [...member.roles.cache.keys()] : (member?.roles ?? []);
  return roles.some((id) => moderatorRoleIds.includes(id));
}

/** The check every moderator command starts with: true for a moderator; anyone else gets a private refusal. */
export async function requireModerator(interaction: ChatInputCommandInteraction, context: BotContext, action: string): Promise<boolean> {
  if (isModerator(interaction, context.config.moderatorRoleIds)) return true;
  context.logger.warn({ user: interaction.user.id }, `${interaction.commandName} refused: not a moderator`);
  const content = `Only moderators (Manage Server, or a moderator role) can ${action}.`;
  await interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS });
  return false;
}
