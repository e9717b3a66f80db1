import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponentWithURL } from 'discord.js';
import type { Citation } from '../answer/answer.js';
import { webAddress } from '../answer/format-text.js';

/** Discord refuses a link button whose url or label is longer, and a row of more than five buttons. */
const LINK_LIMITS = { url: 512, label: 80, perRow: 5 };

/**
 * One link button per cited article that has a web address, numbered as its embed: "[2] apnews.com". The embed's
 * title links to the article too, but a button is what people tap on a phone, and the host name says where it leads.
 */
export function linkRow(citations: readonly Citation[]): APIActionRowComponent<APIButtonComponentWithURL> | null {
  const buttons = citations
    .flatMap((c): APIButtonComponentWithURL[] => {
      const url = webAddress(c.url);
      if (!url || url.length > LINK_LIMITS.url) return [];
      const host = new URL(url).hostname.replace(/^www\./, '');
      return [{ type: ComponentType.Button, style: ButtonStyle.Link, url, label: `[${c.n}] ${host}`.slice(0, LINK_LIMITS.label) }];
    })
    .slice(0, LINK_LIMITS.perRow);
  return buttons.length ? { type: ComponentType.ActionRow, components: buttons } : null;
}
