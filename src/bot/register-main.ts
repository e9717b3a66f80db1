import { REST, Routes, type APIApplication } from 'discord.js';
import { COMMANDS } from './commands/index.js';
import { registerCommands } from './register.js';
import { configOrExit } from './startup.js';

const config = configOrExit();
try {
  const rest = new REST().setToken(config.token);
  const application = (await rest.get(Routes.currentApplication())) as APIApplication;
  const count = await registerCommands(rest, application.id, config.guildId, COMMANDS);
  process.stdout.write(`Registered ${count} commands ${config.guildId ? `on server ${config.guildId}` : 'globally (may take up to an hour to appear)'}.\n`);
} catch (err) {
  process.stderr.write(`error: could not register commands: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
