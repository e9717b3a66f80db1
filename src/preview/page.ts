import { ButtonStyle, ComponentType, type APIEmbed, type APIMessageComponent } from 'discord.js';
import type { DiscordAnswer } from '../bot/render-answer.js';
import { escapeHtml, markdownToHtml, safeHref } from './markdown.js';
import { PAGE_STYLE } from './style.js';

/** How the question reached the bot: Discord shows each differently above the reply. */
export type AskedVia = 'slash' | 'mention';

export interface PreviewMessage {
  /** Exactly what the bot sends. */
  reply: DiscordAnswer;
  question: string;
  via: AskedVia;
  botName: string;
  userName: string;
  /** A caption under the messages, outside the Discord look (e.g. how long the answer is). */
  caption?: string;
}

/**
 * A self-contained HTML page showing the bot's reply as Discord's desktop client lays it out in the dark theme:
 * for /ask, the "used /ask" line above the reply; for a mention, the member's message and then the reply to it.
 * Nothing is loaded from elsewhere, so the page opens anywhere and a headless browser can screenshot it.
 */
export function previewPage(message: PreviewMessage): string {
  const { reply, question, via, botName, userName } = message;
  const asker = via === 'mention' ? userMessage(userName, `<span class="mention">@${escapeHtml(botName)}</span> ${escapeHtml(question)}`) : '';
  const context =
    via === 'slash'
      ? `<div class="reply-context"><span class="reply-spine"></span><span class="avatar tiny user"></span><span class="name">${escapeHtml(userName)}</span> used <span class="command">/ask</span></div>`
      : `<div class="reply-context"><span class="reply-spine"></span><span class="avatar tiny user"></span><span class="name">${escapeHtml(userName)}</span> <span class="replied">@${escapeHtml(botName)} ${escapeHtml(question)}</span></div>`;
  const body = [
    reply.content ? `<div class="content">${markdownToHtml(reply.content, 'message')}</div>` : '',
    ...reply.embeds.map(embedHtml),
    ...(reply.components ?? []).map(componentRowHtml),
  ].join('\n');
  const botMessage = `<article class="message">${context}<div class="avatar bot"></div><div class="header"><span class="name bot-name">${escapeHtml(botName)}</span><span class="app-tag">APP</span><time>Today at 14:02</time></div>${body}</article>`;
  const caption = message.caption ? `<p class="caption">${escapeHtml(message.caption)}</p>` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(botName)} — ${escapeHtml(question)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<main class="chat">
${asker}
${botMessage}
</main>
${caption}
</body>
</html>
`;
}

function userMessage(userName: string, html: string): string {
  return `<article class="message"><div class="avatar user"></div><div class="header"><span class="name">${escapeHtml(userName)}</span><time>Today at 14:02</time></div><div class="content">${html}</div></article>`;
}

function embedHtml(embed: APIEmbed): string {
  const colour = `#${(embed.color ?? 0x1e1f22).toString(16).padStart(6, '0')}`;
  const href = safeHref(embed.url);
  const title = embed.title ? markdownToHtml(embed.title, 'message') : '';
  const parts = [
    embed.author ? `<div class="embed-author">${escapeHtml(embed.author.name)}</div>` : '',
    title ? `<div class="embed-title">${href ? `<a href="${href}">${title}</a>` : title}</div>` : '',
    embed.description ? `<div class="embed-description">${markdownToHtml(embed.description, 'embed')}</div>` : '',
    embed.fields?.length ? `<div class="embed-fields">${embed.fields.map(fieldHtml).join('')}</div>` : '',
    embed.footer ? `<div class="embed-footer">${escapeHtml(embed.footer.text)}</div>` : '',
  ];
  return `<div class="embed" style="border-left-color:${colour}">${parts.join('')}</div>`;
}

function fieldHtml(field: NonNullable<APIEmbed['fields']>[number]): string {
  return `<div class="embed-field${field.inline ? ' inline' : ''}"><div class="embed-field-name">${markdownToHtml(field.name, 'message')}</div><div class="embed-field-value">${markdownToHtml(field.value, 'embed')}</div></div>`;
}

const BUTTON_CLASS: Record<number, string> = {
  [ButtonStyle.Primary]: 'primary',
  [ButtonStyle.Secondary]: 'secondary',
  [ButtonStyle.Success]: 'success',
  [ButtonStyle.Danger]: 'danger',
  [ButtonStyle.Link]: 'secondary',
  [ButtonStyle.Premium]: 'primary',
};

function componentRowHtml(row: NonNullable<DiscordAnswer['components']>[number]): string {
  return `<div class="action-row">${row.components.map(componentHtml).join('')}</div>`;
}

function componentHtml(component: APIMessageComponent): string {
  if (component.type !== ComponentType.Button) {
    const placeholder = 'placeholder' in component ? (component.placeholder ?? '') : '';
    return `<div class="select">${escapeHtml(placeholder || 'Make a selection')}</div>`;
  }
  const emoji = 'emoji' in component && component.emoji?.name ? `<span class="button-emoji">${escapeHtml(component.emoji.name)}</span>` : '';
  const label = 'label' in component && component.label ? `<span>${escapeHtml(component.label)}</span>` : '';
  const link = component.style === ButtonStyle.Link ? '<span class="external">↗</span>' : '';
  const disabled = component.disabled ? ' disabled' : '';
  return `<button class="button ${BUTTON_CLASS[component.style] ?? 'secondary'}"${disabled}>${emoji}${label}${link}</button>`;
}
