import { ApplicationFlagsBitField, GatewayIntentBits, IntentsBitField, Routes, type APIApplication, type Client } from 'discord.js';
import type { Logger } from 'pino';
import type { BotContext } from './context.js';

/** The developer portal's Message Content switch, as Discord reports it in the application's flags. */
export function allowsMessageContent(flags: ApplicationFlagsBitField | null): boolean {
  return (flags ?? new ApplicationFlagsBitField(0)).any([ApplicationFlagsBitField.Flags.GatewayMessageContent, ApplicationFlagsBitField.Flags.GatewayMessageContentLimited]);
}

/**
 * Asks for the privileged Message Content intent at connection when a channel set with /settings answers every
 * message (ANSWER_CHANNEL_IDS asks for it at construction, and fails the start loudly without it: the operator
 * asked in the environment). For /settings it is asked only when the developer portal allows it: a switch turned
 * off after a moderator chose "every message" must not stop the bot from starting, those channels then answer
 * mentions only, and the log says why. Runs before login: discord.js reads its intents when it connects.
 */
export async function addMessageContentForSettings(client: Client, token: string, context: BotContext, logger: Logger): Promise<void> {
  if (client.options.intents.has(GatewayIntentBits.MessageContent)) return;
  const stored = context.settings.anyReadsEveryMessage();
  if (!stored.ok || !stored.value) return;
  client.rest.setToken(token);
  const application = (await client.rest.get(Routes.currentApplication())) as APIApplication;
  if (!allowsMessageContent(new ApplicationFlagsBitField(application.flags ?? 0))) {
    logger.warn(
      'channels set to answer every message answer mentions only: enable the Message Content intent in the developer portal (Bot → Privileged Gateway Intents) and restart',
    );
    return;
  }
  client.options.intents = new IntentsBitField(client.options.intents).add(GatewayIntentBits.MessageContent).freeze();
}
