/**
 * The form of a question used to count repeats: people ask the same thing as "What's the price of Bitcoin?" and
 * "whats the price of bitcoin", so case, punctuation, symbols and spacing do not make two questions different.
 * Apostrophes vanish rather than split words ("what's" = "whats"); other punctuation separates words. Invisible
 * format characters (the zero-width space the bot puts after a quoted @everyone) vanish too.
 */
export function questionKey(question: string): string {
  return question
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\p{Cf}/gu, '')
    .replace(/['’ʼ`]/g, '')
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
