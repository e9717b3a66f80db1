import type { APIEmbed } from 'discord.js';
import type { DiscordAnswer } from '../bot/render-answer.js';
import { markdownToText } from './markdown.js';

/**
 * The text a reader sees of a message, markup aside, one part per line: message text, then each embed's title,
 * author, description, fields and footer, then button labels.
 */
export function visibleText(message: DiscordAnswer): string {
  const parts = [markdownToText(message.content, 'message'), ...message.embeds.flatMap(embedText), ...buttonLabels(message)];
  return parts.filter((p) => p.trim() !== '').map((p) => p.trim()).join('\n');
}

/** How many characters a reader sees: code points, line breaks not counted. */
export function visibleLength(message: DiscordAnswer): number {
  return [...visibleText(message).replace(/\n/g, '')].length;
}

function embedText(embed: APIEmbed): string[] {
  return [
    markdownToText(embed.title ?? '', 'message'),
    embed.author?.name ?? '',
    markdownToText(embed.description ?? '', 'embed'),
    ...(embed.fields ?? []).flatMap((f) => [markdownToText(f.name, 'message'), markdownToText(f.value, 'embed')]),
    embed.footer?.text ?? '',
  ];
}

function buttonLabels(message: DiscordAnswer): string[] {
  return (message.components ?? []).flatMap((row) => row.components.map((c) => ('label' in c ? (c.label ?? '') : '')));
}
