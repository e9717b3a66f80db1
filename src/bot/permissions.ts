import { GuildMember, PermissionFlagsBits, type ChatInputCommandInteraction } from 'discord.js';

/**
 * Moderator = Manage Server, or one of the configured roles. Checked when the command runs: hiding /reindex
 * from other members (default_member_permissions) is only a convenience that server admins can override.
 */
export function isModerator(interaction: ChatInputCommandInteraction, moderatorRoleIds: readonly string[]): boolean {
  if (!interaction.inGuild()) return false;
  if (interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) return true;
  const member = interaction.member;
  const roles = member instanceof GuildMember ? [...member.roles.cache.keys()] : (member?.roles ?? []);
  return roles.some((id) => moderatorRoleIds.includes(id));
}
