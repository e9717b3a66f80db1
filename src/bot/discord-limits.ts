import type { APIEmbed } from 'discord.js';

/** Discord's message limits; anything longer is rejected with a 400, so it is cut before sending. */
export const LIMITS = {
  content: 2000,
  embeds: 10,
  title: 256,
  description: 4096,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  embedTotal: 6000,
} as const;

/** Cuts at a word boundary where one is near, and ends with an ellipsis. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  // Room for a closing ** and the ellipsis.
  let cut = text.slice(0, Math.max(0, max - 3));
  const space = cut.lastIndexOf(' ');
  if (space > max * 0.8) cut = cut.slice(0, space);
  // An unmatched ** would turn the rest of the message bold.
  if ((cut.match(/\*\*/g)?.length ?? 0) % 2 === 1) cut += '**';
  return `${cut}…`;
}

function embedLength(e: APIEmbed): number {
  return (
    (e.title?.length ?? 0) +
    (e.description?.length ?? 0) +
    (e.footer?.text.length ?? 0) +
    (e.author?.name.length ?? 0) +
    (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0)
  );
}

/** Applies every per-field limit, then shortens descriptions until the embeds fit Discord's 6,000 total. */
export function fitEmbeds(embeds: APIEmbed[]): APIEmbed[] {
  const fitted = embeds.slice(0, LIMITS.embeds).map((e) => ({
    ...e,
    title: e.title === undefined ? undefined : truncate(e.title, LIMITS.title),
    description: e.description === undefined ? undefined : truncate(e.description, LIMITS.description),
    footer: e.footer ? { ...e.footer, text: truncate(e.footer.text, LIMITS.footer) } : undefined,
    fields: e.fields?.slice(0, 25).map((f) => ({ ...f, name: truncate(f.name, LIMITS.fieldName), value: truncate(f.value, LIMITS.fieldValue) })),
  }));
  let excess = fitted.reduce((n, e) => n + embedLength(e), 0) - LIMITS.embedTotal;
  for (let i = fitted.length - 1; excess > 0 && i >= 0; i--) {
    const description = fitted[i].description ?? '';
    const keep = Math.max(1, description.length - excess);
    const shorter = truncate(description, keep);
    excess -= description.length - shorter.length;
    fitted[i].description = shorter;
  }
  return fitted;
}
