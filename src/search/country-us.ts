import type { WordClasses } from '../lexical/part-of-speech.js';

/**
 * "US" is the country most news names, and chat writes it in lower case: "the us buildup", "lavrov on us
 * diplomacy". Lower-cased, it is also the pronoun, a stop word, so neither the articles' "the US" nor the question's
 * "us" used to count as a word at all. The index reads "US" written in capitals as the country (keyword-index.ts);
 * a question's "us" is read as the country where the pronoun cannot stand:
 * - written in capitals ("US", "U.S.") in a question that is not all capitals;
 * - after "the" ("did lavrov blame the us");
 * - before a noun or adjective, unless a verb comes first: "us troops", "of us diplomacy" are the country; "tell us
 *   lavrov's view", "give us the latest" are the pronoun.
 * Everywhere else ("what did he say about us") it stays the pronoun: a misreading would add a thing the question
 * names, which rule 3 of relevance.ts then asks every cited article to mention.
 */
export const COUNTRY_US = 'USA';

const US = /\b(?:u\.s\.(?:a\.)?|us)(?![\p{L}\p{N}])/giu;
const PREVIOUS_WORD = /([\p{L}\p{N}]+)\W*$/u;
const NEXT_WORD = /^\W*([\p{L}\p{N}]+)/u;

export function readUsAsCountry(question: string, classes: WordClasses | null): string {
  const shouting = question === question.toUpperCase();
  return question.replace(US, (match, offset: number) => {
    const capitals = match !== match.toLowerCase() && match.replace(/\./g, '') === match.replace(/\./g, '').toUpperCase();
    if (capitals && !shouting) return COUNTRY_US;
    if (match.includes('.')) return COUNTRY_US;
    const previous = PREVIOUS_WORD.exec(question.slice(0, offset))?.[1]?.toLowerCase() ?? null;
    if (previous === 'the') return COUNTRY_US;
    const next = NEXT_WORD.exec(question.slice(offset + match.length))?.[1]?.toLowerCase() ?? null;
    if (!classes || !next) return match;
    const beforeThing = classes.nouns.has(next) || classes.adjectives.has(next);
    const afterVerb = previous !== null && classes.verbs.has(previous);
    return beforeThing && !afterVerb ? COUNTRY_US : match;
  });
}
