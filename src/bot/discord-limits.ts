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
  // Never keep half of a surrogate pair (an emoji, say): alone it is not a character.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
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

/**
 * Applies every per-field limit, then shortens descriptions (the last embed's first) until the embeds fit Discord's
 * 6,000 total; if that is not enough, field values, footers, field names, titles and author names give way too.
 */
export function fitEmbeds(embeds: APIEmbed[]): APIEmbed[] {
  const fitted = embeds.slice(0, LIMITS.embeds).map((e) => ({
    ...e,
    title: e.title === undefined ? undefined : truncate(e.title, LIMITS.title),
    description: e.description === undefined ? undefined : truncate(e.description, LIMITS.description),
    footer: e.footer ? { ...e.footer, text: truncate(e.footer.text, LIMITS.footer) } : undefined,
    author: e.author ? { ...e.author, name: truncate(e.author.name, LIMITS.author) } : undefined,
    fields: e.fields?.slice(0, 25).map((f) => ({ ...f, name: truncate(f.name, LIMITS.fieldName), value: truncate(f.value, LIMITS.fieldValue) })),
  }));
  let excess = fitted.reduce((n, e) => n + embedLength(e), 0) - LIMITS.embedTotal;
  if (excess <= 0) return fitted;

  type Slot = [get: () => string | undefined, set: (text: string) => void];
  const latestFirst = [...fitted].reverse();
  const fieldsOf = (e: APIEmbed) => [...(e.fields ?? [])].reverse();
  const slots: Slot[] = [
    ...latestFirst.map((e): Slot => [() => e.description, (t) => (e.description = t)]),
    ...latestFirst.flatMap((e) => fieldsOf(e).map((f): Slot => [() => f.value, (t) => (f.value = t)])),
    ...latestFirst.flatMap((e) => (e.footer ? [e.footer] : []).map((ft): Slot => [() => ft.text, (t) => (ft.text = t)])),
    ...latestFirst.flatMap((e) => fieldsOf(e).map((f): Slot => [() => f.name, (t) => (f.name = t)])),
    ...latestFirst.map((e): Slot => [() => e.title, (t) => (e.title = t)]),
    ...latestFirst.flatMap((e) => (e.author ? [e.author] : []).map((a): Slot => [() => a.name, (t) => (a.name = t)])),
  ];
  for (const [get, set] of slots) {
    if (excess <= 0) break;
    const text = get();
    if (!text) continue;
    // At least one character stays: Discord refuses empty field names and values.
    const shorter = truncate(text, Math.max(1, text.length - excess));
    excess -= text.length - shorter.length;
    set(shorter);
  }
  return fitted;
}
