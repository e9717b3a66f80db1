import winkNLP from 'wink-nlp';
import model from 'wink-eng-lite-web-model';

/**
 * Which words of a question name things: nouns and proper nouns, as a part-of-speech tagger reads the sentence.
 * The same word is a thing in one question and an action in another ("sanctions on Russia" / "the UN sanctions
 * it"; "the use of force" / "use force"), so a dictionary's word class cannot say it: the sentence must. wink-nlp's
 * English model tags ~95% of words right, also lower-case chat ("what did lavrov say about china": lavrov, china
 * nouns) and unknown names, in ~0.1 ms a question; it loads in ~0.3 s, once per process.
 */
export class PartOfSpeech {
  private constructor(private readonly nlp: ReturnType<typeof winkNLP>) {}

  static load(): PartOfSpeech {
    return new PartOfSpeech(winkNLP(model, ['pos']));
  }

  /**
   * The lower-cased words the sentence uses as nouns (proper nouns included), as adjectives, and as verbs. A
   * hyphenated token ("palestinian-israeli") gives each of its words, and a possessive ("israel's") its bare word,
   * as the question's terms are split that way. An adjective that narrows a noun ("nuclear weapons", "the Kuwaiti
   * foreign minister") is an adjective; one that says something of a thing ("is russia neutral in the war", "did
   * lavrov call the bombing illegal", "is a ceasefire easy to get") is a predicate (see predicates).
   */
  wordClasses(text: string): WordClasses {
    const doc = this.nlp.readDoc(text);
    const words = doc.tokens().out();
    const tags = withDoSupportVerb(words, doc.tokens().out(this.nlp.its.pos));
    const classes: WordClasses = { nouns: new Set(), adjectives: new Set(), verbs: new Set(), predicates: new Set() };
    words.forEach((word, i) => {
      const tag = tags[i];
      const into =
        tag === 'NOUN' || tag === 'PROPN' ? classes.nouns
        : tag === 'ADJ' ? (predicative(words, tags, i) ? classes.predicates : classes.adjectives)
        : tag === 'VERB' ? classes.verbs
        : null;
      if (!into) return;
      // A noun that takes an infinitive is still a noun, with a noun's paraphrases ("plan" / "strategy").
      const also = into === classes.nouns && takesAnInfinitive(words, tags, i) ? classes.predicates : null;
      for (const part of word.toLowerCase().replace(/['’]s$/, '').split(/[^\p{L}\p{N}]+/u)) {
        if (!part) continue;
        into.add(part);
        also?.add(part);
      }
    });
    return classes;
  }
}

export interface WordClasses {
  nouns: Set<string>;
  /** Adjectives before the noun they narrow ("nuclear weapons", "kuwaiti foreign minister"). */
  adjectives: Set<string>;
  verbs: Set<string>;
  /**
   * Adjectives that say something of a thing rather than narrow it ("is russia neutral", "call the strikes illegal",
   * "a ceasefire is easy to get"), and nouns that take an infinitive ("israel's right to respond"; these are in
   * `nouns` too). Like a verb, such a word is what the question asks about the things it names, which a reporter
   * words his own way, not a thing an article must mention (relevance.ts, rule 3).
   */
  predicates: Set<string>;
}

/**
 * A noun with an infinitive after it ("israel's right to respond", "the plan to wipe out hamas", "efforts to end the
 * war") says how the question sees an action, which is what it is about: the article reports the response or the
 * destruction in its own words ("disagreed with responding", "trying to destroy"), not necessarily the right or the
 * plan. Like a predicative adjective, it is weighed, not asked of the article as a thing (relevance.ts, rule 3).
 */
function takesAnInfinitive(words: string[], tags: string[], i: number): boolean {
  if (tags[i] !== 'NOUN' || words[i + 1]?.toLowerCase() !== 'to' || tags[i + 2] !== 'VERB') return false;
  // Only a noun that heads its own phrase ("the plan", "israel's right", "the only way"): after a verb it is the
  // one asked to act ("did israel want russia to do…", "tell everyone to stop"), a thing the question names.
  const before = tags[i - 1];
  return before === 'DET' || before === 'ADJ' || before === 'ADV' || /^['’]s$/i.test(words[i - 1] ?? '');
}

/**
 * English puts a narrowing adjective before its noun, possibly after other adjectives ("the kuwaiti foreign
 * minister"); a predicative one follows what it is said of ("is russia neutral", "made israel angry", "as illegal",
 * "is easy to get"). Not predicative either, with no noun after it: an adjective standing for its people after a
 * determiner or a quantifier ("how many lebanese", "the poor"), and the one a "how" asks the degree of ("how old is
 * lavrov" asks for an age, which the article must state: without it, any passage on Lavrov answered).
 */
function predicative(words: string[], tags: string[], i: number): boolean {
  let next = i + 1;
  while (tags[next] === 'ADJ') next++;
  if (tags[next] === 'NOUN' || tags[next] === 'PROPN') return false;
  const before = tags[i - 1];
  return before !== undefined && before !== 'DET' && before !== 'ADJ' && before !== 'NUM' && words[i - 1].toLowerCase() !== 'how';
}

const DO_SUPPORT = new Set(['do', 'does', 'did', "don't", "doesn't", "didn't"]);

/**
 * "What did Lavrov demand from Israel?", "does Russia think…", "did Hamas attack Israel": the tagger reads a bare
 * verb after a one-word subject as the second word of a noun compound ("Lavrov demand"), and a verb then became a
 * thing the cited article had to name. A question with "do"-support has a main verb after its subject; when the
 * tagger found none, the word right after a subject of one noun is that verb, unless it is plural ("did Russia
 * sanctions…" is not a question) or a name.
 */
function withDoSupportVerb(words: string[], tags: string[]): string[] {
  const out = [...tags];
  const aux = words.findIndex((w, i) => DO_SUPPORT.has(w.toLowerCase()) && tags[i] === 'AUX');
  if (aux < 0) return out;
  const subject = aux + 1;
  const verb = subject + 1;
  // A verb found later is the main verb when the subject runs into it: "did russia aid reach gaza" has its verb
  // in "reach", and "aid" stays a thing. But a word that opens an object or a clause ("did lavrov call the people killed in
  // gaza…", "what does lavrov say should happen…") is itself the verb, and the later one belongs to that clause.
  const opensAClause = ['DET', 'PRON', 'AUX', 'ADP', 'PART', 'SCONJ'].includes(tags[verb + 1]);
  if (tags.slice(aux + 1).includes('VERB') && !opensAClause) return out;
  if ((tags[subject] === 'NOUN' || tags[subject] === 'PROPN') && tags[verb] === 'NOUN' && !/s$/i.test(words[verb]) && words[verb] === words[verb].toLowerCase()) {
    out[verb] = 'VERB';
  }
  return out;
}
