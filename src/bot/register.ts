import { REST, Routes } from 'discord.js';
import type { BotCommand } from './context.js';

/**
 * Replaces the application's commands with ours (PUT is a full overwrite, so removed commands disappear).
 * Guild commands appear at once; global ones can take up to an hour.
 */
export async function registerCommands(rest: REST, applicationId: string, guildId: string | null, commands: readonly BotCommand[]): Promise<number> {
  const body = commands.map((c) => c.data.toJSON());
  const route = guildId ? Routes.applicationGuildCommands(applicationId, guildId) : Routes.applicationCommands(applicationId);
  await rest.put(route, { body });
  return body.length;
}
