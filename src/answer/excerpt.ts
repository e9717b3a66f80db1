/** Blank-line runs and stray spaces from the source file say nothing; the words stay exactly as written. */
export function tidyExcerpt(text: string): string {
  return text
    .replace(/[ \t]+/g, ' ')
    .replace(/\s*\n\s*/g, '\n')
    .trim();
}
