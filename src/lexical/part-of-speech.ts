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
   * as the question's terms are split that way.
   */
  wordClasses(text: string): WordClasses {
    const doc = this.nlp.readDoc(text);
    const words = doc.tokens().out();
    const tags = withDoSupportVerb(words, doc.tokens().out(this.nlp.its.pos));
    const classes: WordClasses = { nouns: new Set(), adjectives: new Set(), verbs: new Set() };
    words.forEach((word, i) => {
      const tag = tags[i];
      const into = tag === 'NOUN' || tag === 'PROPN' ? classes.nouns : tag === 'ADJ' ? classes.adjectives : tag === 'VERB' ? classes.verbs : null;
      if (!into) return;
      for (const part of word.toLowerCase().replace(/['’]s$/, '').split(/[^\p{L}\p{N}]+/u)) if (part) into.add(part);
    });
    return classes;
  }
}

export interface WordClasses {
  nouns: Set<string>;
  adjectives: Set<string>;
  verbs: Set<string>;
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
  if (aux < 0 || tags.slice(aux + 1).includes('VERB')) return out;
  const subject = aux + 1;
  const verb = subject + 1;
  if ((tags[subject] === 'NOUN' || tags[subject] === 'PROPN') && tags[verb] === 'NOUN' && !/s$/i.test(words[verb]) && words[verb] === words[verb].toLowerCase()) {
    out[verb] = 'VERB';
  }
  return out;
}
