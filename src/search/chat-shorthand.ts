/**
 * Chat shorthand, written out. People in a Discord channel type "how many ppl died acording to lavrov", "going
 * thru", "what did the kuwaiti fm say", "is a ceasefire possible rn". Read as words, "ppl" and "fm" are rare
 * strings that no article uses, so they carried a question's weight to rule 1 of relevance.ts ("words the corpus
 * lacks") and the question was refused; spelling correction cannot help, as no article word is an edit or two away
 * from "ppl". Each entry is a fixed abbreviation of general chat or of news titles, not a word of any one topic:
 * what it stands for is then read like any other words ("people", "foreign minister", "right now" → the newest
 * reports, see time.ts).
 *
 * Left out on purpose: shorthand that is also a common word or a unit ("min" for minutes, "pm" after a time,
 * "us", which country-us.ts reads), and anything that needs context to expand.
 */
const SHORTHAND: ReadonlyMap<string, string> = new Map([
  // chat
  ['ppl', 'people'],
  ['ppls', 'people'],
  ['thru', 'through'],
  ['tho', 'though'],
  ['abt', 'about'],
  ['bc', 'because'],
  ['cuz', 'because'],
  ['coz', 'because'],
  ['b4', 'before'],
  ['u', 'you'],
  ['ur', 'your'],
  ['r', 'are'],
  ['w/', 'with'],
  ['w/o', 'without'],
  ['rn', 'right now'],
  ['atm', 'at the moment'],
  ['tmrw', 'tomorrow'],
  ['yday', 'yesterday'],
  ['convo', 'conversation'],
  ['info', 'information'],
  // news titles and institutions
  ['fm', 'foreign minister'],
  ['fms', 'foreign ministers'],
  ['govt', 'government'],
  ["gov't", 'government'],
  ['admin', 'administration'],
  ['intl', 'international'],
  ['natl', 'national'],
  ['dept', 'department'],
  ['pres', 'president'],
  ['presser', 'press conference'],
]);

/**
 * A token: letters and digits, with the slash of "w/" and the apostrophe of "gov't" inside it. Not a letter of a
 * dotted abbreviation or of "R&D": the "U" of "U.S." is no "you".
 */
const TOKEN = /(?<![\p{L}\p{N}'’/.&])[\p{L}\p{N}]+(?:['’/][\p{L}\p{N}]*)?(?![\p{L}\p{N}&]|\.\p{L})/gu;
const POSSESSIVE = /['’]s$/u;

/** The question with each shorthand token written out ("the govt's plan": the possessive kept); the rest as typed. */
export function expandShorthand(question: string): string {
  return question.replace(TOKEN, (token) => {
    const key = token.toLowerCase().replace('’', "'");
    const whole = SHORTHAND.get(key);
    if (whole) return whole;
    const owner = POSSESSIVE.test(key) ? SHORTHAND.get(key.slice(0, -2)) : undefined;
    return owner ? `${owner}${token.slice(-2)}` : token;
  });
}
