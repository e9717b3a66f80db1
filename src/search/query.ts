import type { PartOfSpeech } from '../lexical/part-of-speech.js';
import type { WordVectors } from '../lexical/word-vectors.js';
import type { WordNet, WordNetRelation } from '../lexical/wordnet.js';
import type { CorpusStats } from './corpus-stats.js';
import { boundPairs, type BoundPair } from './bound-phrases.js';
import { expandShorthand } from './chat-shorthand.js';
import { COUNTRY_US, readUsAsCountry } from './country-us.js';
import { WORDS_FOR_ARTICLES, WORDS_FOR_EVENTS, WORDS_FOR_SAYING } from './function-words.js';
import { keywordTerm, questionTerms, SPACE_OR_PUNCTUATION } from './keyword-index.js';
import type { Lexicon } from './lexicon.js';
import type { SpellingCorrector } from './spelling.js';
import { readTimeIntent, type TimeIntent } from './time.js';

/** Which kind of evidence ties a question word to a passage word. */
export type EvidenceKind = 'exact' | 'spelling' | 'synonym' | 'related';

/** One way a passage can express a question word: a stem (or all stems of a collocation) and what it is worth. */
export interface Expansion {
  /** All must be in the passage; one stem for a word, several for a collocation ("foreign minister"). */
  stems: string[];
  /** The lemma as written, for explanations ("ceasefire"). */
  form: string;
  /** Share of the question word's weight that this expression carries (see CREDIT). */
  credit: number;
  kind: EvidenceKind;
  /** The WordNet relation behind a synonym or related word. */
  relation?: WordNetRelation;
}

export interface WeightedTerm {
  /** As typed, lower-cased. */
  word: string;
  /** The stem searched for: the typed word's, or its correction's. */
  stem: string;
  /** The corpus word a misspelling was read as, null when the word was taken as typed. */
  corrected: string | null;
  /** Self-information of the word in general English (see Lexicon): rare words say more. */
  information: number;
  /** How much the word narrows down the articles of this corpus, 0–1 (see specificity()). */
  specificity: number;
  /** information × specificity: what the word contributes to ranking. */
  weight: number;
  /**
   * What the word counts for in the relevance decision (rule 2 of relevance.ts): its weight, except that a verb
   * counts for no more than the heaviest thing the question names (see analyseQuestion).
   */
  decisionWeight: number;
  /** The exact stem first, then synonyms and related words. */
  expansions: Expansion[];
  /**
   * The question uses the word as a noun (a thing, a person, a place) or as an adjective, which narrows one ("nuclear
   * weapons" are not any weapons): together they name what the question is about (see relevance.ts, rule 3).
   */
  names: boolean;
  /** The question uses the word as a verb: how it asks about the things it names (see evidence.ts). */
  acts: boolean;
}

/** A question reduced to its content words, each weighted by how much it says here. */
export interface QueryAnalysis {
  terms: WeightedTerm[];
  /** Sum of the terms' weights. */
  totalWeight: number;
  time: TimeIntent;
  /** What was searched for when it differs from what was typed (corrections, date words taken out); else null. */
  searchedFor: string | null;
  /** Named things the question binds with "of" ("president of iran"), which an article must name together. */
  bound: BoundPair[];
}

/**
 * What each kind of evidence is worth, as a share of the word it stands for. The same word misspelt is the same
 * word (1). A synonym, or a word of the same WordNet synset, is a paraphrase a reporter could have written
 * instead ("truce" / "ceasefire": 0.9). A derived form or a narrower word says the same thing more specifically
 * ("terror" / "terrorist", "diplomat" / "minister": 0.8). A broader word is weaker evidence, as it fits many
 * other questions too ("facility" / "artifact": 0.3). A verb's opposite tells the same event from the other side, and a
 * small region's countries are where its news happens ("south caucasus" / "Armenia"): 0.6, as each is one part of
 * what the question asks. With these, a passage that paraphrases every word of a question
 * still covers far more than half of it, while one paraphrased word never outweighs a word that is missing.
 */
const CREDIT: Record<WordNetRelation, number> = { synonym: 0.9, seat: 0.8, plain: 0.8, derived: 0.8, hyponym: 0.8, hypernym: 0.3, antonym: 0.6, part: 0.6 };
/** Longer related lemmas are names and titles ("envoy extraordinary and minister plenipotentiary"), not paraphrases. */
const MAX_RELATED_WORDS = 3;

/**
 * How much a word narrows down the articles: 1 for a word no article uses, 0 for one that every article uses,
 * ln((N+1)/(df+1)) / ln(N+1) between (inverse document frequency, smoothed and scaled to 0–1). In a corpus of
 * interviews with Lavrov, "Lavrov" cannot tell which passage answers; "Hezbollah" can, and "sanctions", which
 * no article uses, says that none does. The floor keeps a question made only of such words ("What did Lavrov
 * say?") answerable from its words' general-English information.
 */
export const SPECIFICITY_FLOOR = 0.1;

export interface QueryContext {
  lexicon: Lexicon;
  stats: CorpusStats;
  spelling: SpellingCorrector;
  wordnet: WordNet | null;
  /** Checks that a WordNet sense is the one news text means (see SAME_SENSE); null: no check. */
  vectors: WordVectors | null;
  /** Tells which words the question uses as nouns; null: none is taken for one. */
  partOfSpeech?: PartOfSpeech | null;
  /** The newest article date (YYYY-MM-DD): "in December" means the last December up to it. */
  newestArticle?: string | null;
  /** Reference time for "last week"; now when omitted. */
  now?: Date;
  /** Whether some passage has these keyword stems next to each other (function words aside); absent: never asked. */
  phraseInCorpus?: (stems: string[]) => boolean;
}

export function analyseQuestion(typed: string, context: QueryContext): QueryAnalysis {
  const greeted = withoutGreeting(typed);
  const asked = expandShorthand(greeted);
  // Tagged in the whole question, not the topic words alone: a word's class depends on the sentence around it.
  const classes = context.partOfSpeech?.wordClasses(asked) ?? null;
  const { nouns, adjectives, verbs, predicates } = classes ?? { nouns: new Set<string>(), adjectives: new Set<string>(), verbs: new Set<string>(), predicates: new Set<string>() };
  const question = readUsAsCountry(asked, classes);
  if (question !== asked) nouns.add(COUNTRY_US.toLowerCase());
  const time = readTimeIntent(question, context.now, context.newestArticle ?? null, yearNamesThingIn(context));
  const { stats, lexicon } = context;
  // Only a common adjective is paraphrased: "Belarusian" is no near-synonym of "Russian", however close their vectors.
  const modifiers = new Set([...adjectives].filter((a) => !context.wordnet?.namesAPlace(a)));
  const collocations = collocationsOf(time.topic, context.wordnet, context.vectors, modifiers);
  const idioms = verbIdiomsOf(time.topic, context.wordnet);
  for (const [word, phrase] of idioms) collocations.set(word, [...(collocations.get(word) ?? []), phrase]);
  const framing = wordsOfAdverbialPhrases(time.topic, context.wordnet);
  const topic = questionTerms(time.topic).filter((t) => !WORDS_FOR_ARTICLES.has(t.word) && !WORDS_FOR_EVENTS.has(t.word) && !framing.has(t.word));
  const read = topic
    .map((t, i) => ({
      t,
      // A word only attested as the start of a longer one ("hezbolla" in "hezbollah") is tried as a misspelling
      // first, so the answer can say what was searched for; if it is none, prefix matching still finds it.
      corrected: stats.articleFrequency.has(t.stem) ? null : (context.spelling.correct(t.word) ?? realWordSlip(context, t.word, topic[i - 1]?.stem, topic[i + 1]?.stem)),
    }))
    // A slip for a function word ("evryone", "abuot") is that function word, which is not searched for.
    .filter(({ corrected }) => !corrected || keywordTerm(corrected) !== null);
  const terms = read.map(({ t, corrected }): WeightedTerm => {
    const saying = WORDS_FOR_SAYING.has(t.word);
    const stem = corrected ? (keywordTerm(corrected) ?? t.stem) : t.stem;
    const information = lexicon.information(corrected ?? t.word);
    const spec = specificity(stats, stem);
    const expansions: Expansion[] = [{ stems: [stem], form: corrected ?? t.word, credit: 1, kind: corrected ? 'spelling' : 'exact' }];
    if (context.wordnet) {
      const place = corrected || spec < 1 ? null : placeOfPeople(t.word, context);
      if (place) {
        // The place in every name it has ("Americans" → America, "the United States", "USA"), as for a nationality.
        const names = [{ stems: [place.stem], form: place.name }, ...related(context, place.name, stem).filter((e) => e.relation === 'synonym')];
        expansions.push(...names.map((e): Expansion => ({ stems: e.stems, form: e.form, credit: CREDIT.derived, kind: 'related', relation: 'derived' })));
      }
      if (saying) {
        // A noun for saying ("message", "remarks") asks what was said, which every report of speech tells in its own
        // verb; its kinds ("acknowledgment", "request") and broader words ("communication") are particular things said,
        // and a passage that happens to use one answers no better. Only another name for the same ("comments") counts.
        expansions.push(...related(context, corrected ?? t.word, stem).filter((e) => e.relation === 'synonym'));
      } else {
        // A word the tagger reads only as a verb reaches its verb senses alone: "to end" the conflict is not "the
        // last" (a noun sense), which had matched "a lasting peace" and shown that passage instead of the one that
        // says "can only be resolved". Nouns and adjectives keep every sense: chat's keyword questions are often
        // tagged wrong ("lavrov hezbollah talks"), and restricting them too lost more answers than it gained.
        const asVerb = verbs.has(t.word) && !nouns.has(t.word) && !adjectives.has(t.word);
        expansions.push(...related(context, corrected ?? t.word, stem, asVerb ? 'verb' : undefined));
        for (const phrase of collocations.get(t.word) ?? []) expansions.push(...related(context, phrase, stem));
        if (!corrected && nouns.has(t.word)) expansions.push(...throughCollocations(context, t.word, stem), ...kindsOfKinds(context, t.word, stem));
      }
    }
    const weight = information * Math.max(spec, SPECIFICITY_FLOOR);
    return { word: t.word, stem, corrected, information, specificity: spec, weight, decisionWeight: weight, expansions: dedupe(expansions), names: (nouns.has(t.word) || adjectives.has(t.word)) && !predicates.has(t.word) && !saying && !idioms.has(t.word), acts: verbs.has(t.word) || saying || idioms.has(t.word) };
  });
  // A verb says how the question asks, its nouns what it is about (relevance.ts, rule 3); but a rare verb weighs
  // more than any name ("react" 2.2, "cite" 2.5, "wrecked" 2.7 against "Moscow" 0.3), and held so much of the
  // question that a passage naming every thing it asks about was refused for wording the verb its own way ("how did
  // israel react when hamas visited moscow": the article says "Israel protested"). So in the decision no verb counts
  // for more than the heaviest thing the question names. Ranking keeps the full weight: among passages that pass,
  // the one that does say "destroy" for "wipe out" is still the better answer.
  // Words said of the things (predicates, see part-of-speech.ts) count as things here: a verb weighs no more than
  // what the question says besides its verbs (measured on the unseen sets: one hit more, none fewer).
  const heaviestThing = Math.max(0, ...terms.filter((t) => t.names || !t.acts).map((t) => t.weight));
  for (const t of terms) if (heaviestThing > 0 && t.acts && !t.names) t.decisionWeight = Math.min(t.weight, heaviestThing);
  const totalWeight = terms.reduce((sum, t) => sum + t.weight, 0);
  const changed = terms.some((t) => t.corrected) || time.phrases.length > 0 || question !== greeted;
  const searchedFor = changed ? terms.map((t) => (t.corrected ? stats.surfaceOf.get(t.stem) ?? t.corrected : t.word)).join(' ') : null;
  return { terms, totalWeight, time, searchedFor, bound: boundPairs(time.topic, terms) };
}

/** Whether the articles write the year right beside the word after it ("1967 borders"); see time.ts. */
function yearNamesThingIn(context: QueryContext): (year: string, nextWord: string) => boolean {
  return (year, nextWord) => {
    const next = keywordTerm(nextWord);
    return next !== null && (context.phraseInCorpus?.([year, next]) ?? true);
  };
}

/**
 * A slip that makes another English word ("duel citizens", "jerusalem capitol") is not corrected by spelling alone:
 * "duel" is a word, and "crimea" must stay "crimea" although "crime" is one edit away. What tells the slip is the
 * word beside it: a corpus word one edit away that the articles write right next to the question's neighbouring word
 * ("dual citizens", "Jerusalem as its capital": function words aside, as the keyword index stores passages) is the
 * word meant. Asked only of words no article uses, so a word the corpus knows is never replaced; "crimea" has no
 * neighbour with which "crime" stands in any article. The classic context test for real-word errors (Mays, Damerau
 * and Mercer 1991), with the corpus's own adjacent pairs as the language model.
 */
function realWordSlip(context: QueryContext, word: string, before: string | undefined, after: string | undefined): string | null {
  if (!context.phraseInCorpus || (!before && !after)) return null;
  for (const candidate of context.spelling.oneEditAway(word)) {
    const stem = keywordTerm(candidate);
    if (!stem) continue;
    if ((before && context.phraseInCorpus([before, stem])) || (after && context.phraseInCorpus([stem, after]))) return candidate;
  }
  return null;
}

/**
 * The place a people is named after, for a name of a people that WordNet does not list: "Gazans" are of Gaza,
 * "Syrians" of Syria, "Kuwaitis" of Kuwait, "Palestinians" of Palestine (WordNet does link "Israeli" to Israel and
 * "Lebanese" to Lebanon, see wordnet.ts; its "Americans" are only people). English forms these names by a few
 * suffixes; a base counts only when WordNet names a place so ("gaza", "america"), so "sans" or "titans" reach
 * nothing.
 */
const PEOPLE_SUFFIXES: Array<[string, string]> = [['ns', ''], ['n', ''], ['is', ''], ['i', ''], ['ians', 'e'], ['ian', 'e'], ['ites', ''], ['ite', '']];

function placeOfPeople(word: string, context: QueryContext): { name: string; stem: string } | null {
  for (const [suffix, ending] of PEOPLE_SUFFIXES) {
    if (!word.endsWith(suffix) || word.length - suffix.length < 3) continue;
    const name = word.slice(0, -suffix.length) + ending;
    const stem = keywordTerm(name);
    if (stem && context.wordnet?.namesAnInstance(name)) return { name, stem };
  }
  return null;
}

/**
 * "hello, what did lavrov say" greets; "translate hello into spanish" asks about the word. A greeting opens a
 * message, so "hello" is dropped there and is a word everywhere else ("hi" and "hey" are stop words throughout:
 * as words they are too short or too rare in news to be asked about).
 */
const GREETING = /^\s*(?:hello|hiya|howdy|greetings)\b[\s,!.:;-]*/i;

function withoutGreeting(question: string): string {
  return question.replace(GREETING, '');
}

export function specificity(stats: CorpusStats, stem: string): number {
  const df = stats.articleFrequency.get(stem) ?? 0;
  if (stats.articles === 0) return 1;
  return Math.log((stats.articles + 1) / (df + 1)) / Math.log(stats.articles + 1);
}

/**
 * WordNet lists every sense of a word, and most common words have many: "give" is also "yield", "say" is also
 * "state", "sanction" is also "authority". Which sense a news question means is told by how news text uses the
 * words: a related lemma counts only when its vector (GloVe, trained on news and Wikipedia) is at least this
 * close to the question word's. Measured on pairs: truce/ceasefire 0.91, fighting/conflict 0.64, photo/picture
 * 0.64, give/provide 0.57, against give/yield 0.14, say/state 0.26, sanctions/authority 0.22,
 * soldiers/regular 0.02. Words without a vector (rare words, which have few senses) are not checked.
 */
const SAME_SENSE = 0.4;

/**
 * The sense check's cosine, between the lemma and the question word as typed or in the base form WordNet lists it
 * under, whichever is closer: "winners" / "victor" is 0.26 (plural against singular, and "Victor" is also a first
 * name), "winner" / "victor" 0.40. The lemma is WordNet's base form, so the word's base form is the fair comparison.
 */
function senseSimilarity(context: QueryContext, word: string, lemma: string): number | null {
  if (!context.vectors) return null;
  let best: number | null = null;
  for (const form of [word, ...(context.wordnet?.lemmasOf(word) ?? [])]) {
    const s = context.vectors.similarity(form, lemma);
    if (s !== null && (best === null || s > best)) best = s;
  }
  return best;
}

function related(context: QueryContext, word: string, ownStem: string, only?: 'verb'): Expansion[] {
  return remembered(context, `related:${word}:${ownStem}:${only ?? ''}`, () => relatedUncached(context, word, ownStem, only));
}

function relatedUncached(context: QueryContext, word: string, ownStem: string, only?: 'verb'): Expansion[] {
  const out: Expansion[] = [];
  for (const { lemma, relation } of context.wordnet?.related(word, only) ?? []) {
    const words = lemma.split(/[\s-]+/).filter(Boolean);
    if (words.length > MAX_RELATED_WORDS) continue;
    const similarity = senseSimilarity(context, word, lemma);
    if (similarity !== null && similarity < SAME_SENSE) continue;
    const stems = words.map((w) => keywordTerm(w)).filter((s): s is string => s !== null);
    // "a-bomb", "h-bomb", "x-ray": a one-letter part is not a word, and without it the lemma reads as another
    // ("bomb", which "bombing civilians" has); such a lemma counts only written as one word, below.
    const letterPart = words.some((w) => w.length === 1);
    // "the States" (America) without its "the" is "state", which every article on a Palestinian state has: a lemma
    // left with one word once its function words go is another word.
    const strippedToOne = words.length > 1 && stems.length === 1;
    if (!letterPart && !strippedToOne && stems.length > 0 && !(stems.length === 1 && stems[0] === ownStem)) {
      out.push({ stems, form: lemma, credit: CREDIT[relation], kind: relation === 'synonym' ? 'synonym' : 'related', relation });
    }
    // "cease-fire" is also written "ceasefire": a hyphenated lemma counts in both spellings.
    if (lemma.includes('-')) {
      const joined = keywordTerm(lemma.replace(/-/g, ''));
      if (joined) out.push({ stems: [joined], form: lemma.replace(/-/g, ''), credit: CREDIT[relation], kind: relation === 'synonym' ? 'synonym' : 'related', relation });
    }
  }
  return out;
}

/**
 * For a noun of the question, one step further: the kinds of thing named by two-word lemmas that contain it.
 * "medical facilities" ↔ "hospitals": WordNet files "hospital" under "health facility", so "facility" reaches it
 * this way. Taken for the words the question uses as nouns, whether or not the corpus has them:
 * rule 3 of relevance.ts asks the article to mention each such thing, and "UN bodies" are mentioned as "the UN
 * Security Council" in an article that never says "body" (kinds of things are what two-word noun lemmas name; for a
 * verb, "spreading", they gave plant names). At the credit of a broader-than-synonym link, and under the same sense
 * check as every expansion. Keyword search still uses them only for words the corpus lacks (retrieve.ts).
 */
const COLLOCATION_CREDIT = 0.6;
const MAX_COLLOCATIONS = 60;

function throughCollocations(context: QueryContext, word: string, ownStem: string): Expansion[] {
  return remembered(context, `collocations:${word}:${ownStem}`, () => throughCollocationsUncached(context, word, ownStem));
}

function throughCollocationsUncached(context: QueryContext, word: string, ownStem: string): Expansion[] {
  const out: Expansion[] = [];
  for (const phrase of (context.wordnet?.collocationsWith(word) ?? []).slice(0, MAX_COLLOCATIONS)) {
    // The uncertain step is word → phrase ("facilities" → "health facility", not "toilet facility"): check that
    // sense; the phrase's own synonyms and hyponyms are then checked against the phrase, as for any word. A phrase
    // without a vector cannot be checked, and is not taken: unlike a rare word, which has few senses, it is a second
    // step away from the question ("schools" → "Ashcan school" → "the Eight", a group of painters, which made
    // "eight dual citizens" evidence for "schools").
    const similarity = context.vectors?.similarity(word, phrase) ?? null;
    if (context.vectors && (similarity === null || similarity < SAME_SENSE)) continue;
    for (const e of related(context, phrase, ownStem)) {
      if (e.kind === 'synonym' || e.relation === 'hyponym') out.push({ ...e, credit: COLLOCATION_CREDIT, kind: 'related' });
    }
  }
  return out;
}

/**
 * For a noun of the question, the kinds of its kinds: "Israel's plan to wipe out Hamas" is reported as "Israel's
 * strategy of trying to destroy Hamas", and WordNet files "strategy" under "plan of action", a kind of "plan".
 * Hyponymy is transitive, so this is the same evidence as a direct hyponym, one step less sure of the sense: both
 * steps must pass the sense check (a kind of "system" may be a "servo" or a "firewall", which news about a health
 * system does not mean), and the credit is that of a kind reached through a two-word lemma.
 */
function kindsOfKinds(context: QueryContext, word: string, ownStem: string): Expansion[] {
  return remembered(context, `kinds:${word}:${ownStem}`, () => {
    const out: Expansion[] = [];
    const { vectors, wordnet } = context;
    if (!wordnet || !vectors) return out;
    const sameSense = (lemma: string) => (vectors.similarity(word, lemma) ?? -1) >= SAME_SENSE;
    const checked = new Map<string, boolean>();
    for (const { lemma, via } of wordnet.hyponymsOfHyponyms(word)) {
      let viaSense = checked.get(via);
      if (viaSense === undefined) checked.set(via, (viaSense = vectors.similarity(word, via) === null || sameSense(via)));
      if (!viaSense || !sameSense(lemma)) continue;
      const words = lemma.split(/[\s-]+/).filter(Boolean);
      const stems = words.map((w) => keywordTerm(w)).filter((s): s is string => s !== null);
      if (words.length > MAX_RELATED_WORDS || stems.length !== words.length || (stems.length === 1 && stems[0] === ownStem)) continue;
      out.push({ stems, form: lemma, credit: COLLOCATION_CREDIT, kind: 'related', relation: 'hyponym' });
    }
    return out;
  });
}

/**
 * A word's expansions depend only on WordNet and the word vectors, which a process loads once: kept per WordNet
 * instance. A noun's reach through two-word lemmas checks the sense of up to 60 phrases and of each of their
 * relatives, several milliseconds a question when recomputed (measured: analysing a dev question took up to 5 ms
 * warm, 0.8 ms median). Bounded like WordNet's own cache.
 */
const expansionCache = new WeakMap<object, Map<string, Expansion[]>>();
const MAX_REMEMBERED = 50_000;

function remembered(context: QueryContext, key: string, compute: () => Expansion[]): Expansion[] {
  if (!context.wordnet) return compute();
  let cache = expansionCache.get(context.wordnet);
  if (!cache) expansionCache.set(context.wordnet, (cache = new Map()));
  const hit = cache.get(key);
  if (hit) return hit;
  const value = compute();
  if (cache.size >= MAX_REMEMBERED) cache.clear();
  cache.set(key, value);
  return value;
}

/**
 * Two-word expressions of the question that WordNet knows as one lemma ("wipe out", "death toll", "middle east"),
 * by each content word they contain: their synonyms ("wipe out" → "destroy") are expansions of those words too.
 */
function collocationsOf(text: string, wordnet: WordNet | null, vectors: WordVectors | null, modifiers: ReadonlySet<string>): Map<string, string[]> {
  const byWord = new Map<string, string[]>();
  if (!wordnet) return byWord;
  const note = (w: string, phrase: string) => {
    if (keywordTerm(w)) byWord.set(w, [...(byWord.get(w) ?? []), phrase]);
  };
  for (const [a, b] of adjacentWords(text)) {
    const phrase = `${a} ${b}`;
    if (!keywordTerm(a) && !keywordTerm(b)) continue;
    if (wordnet.knows(phrase)) {
      note(a, phrase);
      note(b, phrase);
      continue;
    }
    if (!vectors || !modifiers.has(a) || !keywordTerm(b)) continue;
    for (const lemma of nearCollocations(a, b, wordnet, vectors)) note(a, lemma);
  }
  return byWord;
}

/**
 * Two-word lemmas that say what the question's two words say with a close first word: "medical facilities" is
 * WordNet's "health facility" (a hospital is one), "atomic weapons" its "nuclear weapon". The second word, the
 * head noun, must be the same; the first must be a near-synonym by the word vectors, a bar well above SAME_SENSE:
 * medical/health 0.73, nuclear/atomic 0.82, against civilian/civil 0.45. Through the lemma, the modifier is
 * expressed by the kinds of that thing ("medical" by "hospital"), as the head noun already is (throughCollocations).
 */
const NEAR_MODIFIER = 0.6;

function nearCollocations(modifier: string, head: string, wordnet: WordNet, vectors: WordVectors): string[] {
  const out: string[] = [];
  for (const lemma of wordnet.collocationsWith(head)) {
    const [first, second] = lemma.split(' ');
    // The head noun in second place, in any of its forms ("facilities" → "facility").
    if (first === modifier || keywordTerm(second) !== keywordTerm(head)) continue;
    if ((vectors.similarity(modifier, first) ?? -1) >= NEAR_MODIFIER) out.push(lemma);
  }
  return out;
}

/** The words of the text, lower-cased, function words kept: where WordNet's multi-word lemmas are looked for. */
function lowerCaseWords(text: string): string[] {
  return text.toLowerCase().split(SPACE_OR_PUNCTUATION).filter(Boolean);
}

/** Each two neighbouring words of the text, lower-cased: where two-word lemmas are looked for. */
function adjacentWords(text: string): Array<[string, string]> {
  const words = lowerCaseWords(text);
  return words.slice(1).map((b, i) => [words[i], b]);
}

/**
 * Verb idioms of three or four words that WordNet lists ("keep an eye on", "take part in", "come to terms with"),
 * by each content word they contain. Their nouns are part of the verb, not things the question names: "is Moscow
 * keeping an eye on the hostage situation" asks no article to mention an eye. The idiom's synonyms ("watch",
 * "observe", "follow") are expansions of its words, as for two-word lemmas (collocationsOf).
 */
function verbIdiomsOf(text: string, wordnet: WordNet | null): Map<string, string> {
  const byWord = new Map<string, string>();
  if (!wordnet) return byWord;
  const words = lowerCaseWords(text);
  for (let i = 0; i < words.length; i++) {
    for (const n of [4, 3]) {
      if (i + n > words.length) continue;
      const phrase = wordnet.verbPhrase(words.slice(i, i + n));
      if (!phrase) continue;
      for (const w of words.slice(i, i + n)) if (keywordTerm(w) && !byWord.has(w)) byWord.set(w, phrase);
      break;
    }
  }
  return byWord;
}

/**
 * Words that only build an adverb with a function word: "no longer", "in fact", "at least", "of course", "so far".
 * Such a phrase says how or whether, not what about; read alone, "longer", "fact" or "course" became things the
 * question names, which the cited article then had to mention ("How many medical facilities in Gaza no longer
 * work?" asked for "longer"). WordNet lists these phrases as adverbs; the other word being a stop word is what
 * makes the phrase grammar rather than topic ("sharply higher" is not one).
 */
function wordsOfAdverbialPhrases(text: string, wordnet: WordNet | null): Set<string> {
  const framing = new Set<string>();
  if (!wordnet) return framing;
  for (const [a, b] of adjacentWords(text)) {
    const content = keywordTerm(a) ? (keywordTerm(b) ? null : a) : keywordTerm(b) ? b : null;
    if (content && wordnet.isAdverb(`${a} ${b}`)) framing.add(content);
  }
  return framing;
}

/** One expansion per stem set, the best credit kept. */
function dedupe(expansions: Expansion[]): Expansion[] {
  const best = new Map<string, Expansion>();
  for (const e of expansions) {
    const key = [...e.stems].sort().join(' ');
    const seen = best.get(key);
    if (!seen || e.credit > seen.credit) best.set(key, e);
  }
  return [...best.values()];
}

/** How much of a term one set of passage stems carries, and through which expansion. */
export function termEvidence(term: WeightedTerm, has: (stem: string, prefix: boolean) => boolean): { credit: number; expansion: Expansion | null } {
  let credit = 0;
  let expansion: Expansion | null = null;
  for (const e of term.expansions) {
    if (e.credit <= credit) continue;
    // Prefix matching, as in keyword search, for the word itself only: an expansion is already a whole word, and
    // scanning for prefixes of dozens of them per passage was most of a question's time on a large corpus.
    const prefix = e.kind === 'exact' || e.kind === 'spelling';
    if (e.stems.every((stem) => has(stem, prefix))) {
      credit = e.credit;
      expansion = e;
    }
  }
  return { credit, expansion };
}
