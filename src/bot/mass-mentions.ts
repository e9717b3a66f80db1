/** Every `@everyone` / `@here`, however it is glued to its neighbours (`x@here`, `*@everyone*`), in any case. */
const MASS_MENTION = /@(?=everyone|here)/gi;

/**
 * Text a user typed, made safe to echo: a zero-width space after the @ of every @everyone / @here. Discord then
 * renders it as plain text rather than as a mention (allowed_mentions already stops the ping), and it reads the
 * same. One pass is complete: the inserted character can never complete another mention.
 */
export function neutraliseMassMentions(text: string): string {
  return text.replace(MASS_MENTION, '@\u200b');
}
