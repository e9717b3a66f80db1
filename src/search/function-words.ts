/**
 * English closed-class words that npm `stopword`'s 108-word list leaves out: question words, auxiliaries and
 * modals, pronouns, prepositions, conjunctions, quantifiers, and the greetings of chat. They build the frame of a
 * question ("why", "does", "according to", "hey") and never say what it is about; counted as content they made
 * "Who attacked Iran and why?" look half unanswerable because no article says "why". Open-class words ("say",
 * "think", "today") are not here: whether they matter is for their weight to decide (see query.ts).
 */
export const FUNCTION_WORDS: readonly string[] = [
  // question words and relatives
  'whom', 'whose', 'when', 'why', 'whether', 'whatever', 'whoever', 'whenever', 'wherever', 'however', 'whats', 'whos', 'hows',
  // auxiliaries and modals
  'does', 'done', 'doing', 'having', 'shall', 'will', 'may', 'ought', 'dare', 'didnt', 'doesnt', 'dont', 'isnt', 'wasnt', 'arent',
  // pronouns
  'mine', 'myself', 'yours', 'yourself', 'she', 'hers', 'herself', 'its', 'itself', 'us', 'ours', 'ourselves', 'theirs', 'themselves',
  'anyone', 'anything', 'someone', 'something', 'everyone', 'everything', 'nobody', 'nothing', 'somebody', 'anybody',
  // prepositions
  'according', 'above', 'across', 'against', 'along', 'among', 'around', 'behind', 'below', 'beneath', 'beside', 'besides',
  'beyond', 'despite', 'down', 'during', 'except', 'inside', 'near', 'off', 'onto', 'outside', 'past', 'throughout', 'till',
  'toward', 'towards', 'underneath', 'until', 'upon', 'via', 'within', 'without', 'vs', 'versus', 'per',
  // conjunctions, quantifiers, adverbs of degree and frequency
  'nor', 'so', 'yet', 'although', 'though', 'whereas', 'unless', 'every', 'either', 'neither', 'few', 'several', 'own', 'else',
  'ever', 'often', 'always', 'sometimes', 'just', 'not', 'no', 'yes',
  // chat
  'please', 'thanks', 'thank', 'hi', 'hey', 'pls', 'plz', 'ok', 'okay', 'btw', 'lol',
];

/**
 * Nouns for the articles themselves: in "who took the photo in the buildup article" or "any news on Hezbollah?" they
 * say where to look, not what to find, and no article calls itself an article. Left out of a question's terms (not
 * of the index: "a report by the UN" is still found by "report" when… asked as a topic with other words).
 */
export const WORDS_FOR_ARTICLES: ReadonlySet<string> = new Set(['article', 'articles', 'story', 'stories', 'news', 'headline', 'headlines']);

/**
 * "What happened in November 2024?", "what's going on in Gaza": in a news corpus every article reports something
 * that happened, so these verbs ask for the news itself, like "news" above; kept as terms they asked every passage
 * for the word "happened", which no report of what happened needs to use.
 */
export const WORDS_FOR_EVENTS: ReadonlySet<string> = new Set(['happen', 'happens', 'happened', 'happening', 'occur', 'occurs', 'occurred', 'occurring']);

/**
 * Nouns for what someone said: "lavrov comments from december 2023", "Lavrov's message", "the latest remarks". In
 * a corpus that reports what people said, they ask the same as "what did Lavrov say": they name the saying, not
 * what it was about, and every report words the saying its own way ("stated", "noted", "affirmed",
 * "emphasized"). So they are not things a cited article must mention (rule 3 of relevance.ts); like a verb, they
 * still weigh in a passage's coverage when some article uses them, and not when none does.
 */
export const WORDS_FOR_SAYING: ReadonlySet<string> = new Set(
  ['comment', 'remark', 'statement', 'message', 'quote', 'word', 'view', 'opinion', 'thought', 'stance'].flatMap((w) => [w, `${w}s`]),
);
