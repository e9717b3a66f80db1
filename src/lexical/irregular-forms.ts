/**
 * English verbs whose past forms the Porter stemmer cannot bring back to the base form ("said" stays "said", while
 * "say" becomes "sai"), so a question's "say" never matched an article's "said", and "give" never "gave". The
 * common irregular verbs of English (the standard list, as in any grammar's appendix), inflected form → base form.
 * Regular inflections are the stemmer's job.
 */
const VERBS: Record<string, string[]> = {
  arise: ['arose', 'arisen'], be: ['was', 'were', 'been'], bear: ['bore', 'borne'], beat: ['beaten'], become: ['became'],
  begin: ['began', 'begun'], bend: ['bent'], bind: ['bound'], bite: ['bit', 'bitten'], bleed: ['bled'], blow: ['blew', 'blown'],
  break: ['broke', 'broken'], bring: ['brought'], build: ['built'], burn: ['burnt'], buy: ['bought'], catch: ['caught'],
  choose: ['chose', 'chosen'], come: ['came'], creep: ['crept'], deal: ['dealt'], dig: ['dug'], do: ['did', 'done'],
  draw: ['drew', 'drawn'], drink: ['drank', 'drunk'], drive: ['drove', 'driven'], eat: ['ate', 'eaten'], fall: ['fell', 'fallen'],
  feed: ['fed'], feel: ['felt'], fight: ['fought'], find: ['found'], flee: ['fled'], fly: ['flew', 'flown'],
  forbid: ['forbade', 'forbidden'], forget: ['forgot', 'forgotten'], forgive: ['forgave', 'forgiven'], freeze: ['froze', 'frozen'],
  get: ['got', 'gotten'], give: ['gave', 'given'], go: ['went', 'gone'], grow: ['grew', 'grown'], hang: ['hung'], have: ['had'],
  hear: ['heard'], hide: ['hid', 'hidden'], hold: ['held'], keep: ['kept'], know: ['knew', 'known'], lay: ['laid'], lead: ['led'],
  leave: ['left'], lend: ['lent'], lie: ['lay', 'lain'], lose: ['lost'], make: ['made'], mean: ['meant'], meet: ['met'],
  overcome: ['overcame'], pay: ['paid'], ride: ['rode', 'ridden'], ring: ['rang', 'rung'], rise: ['rose', 'risen'], run: ['ran'],
  say: ['said'], see: ['saw', 'seen'], seek: ['sought'], sell: ['sold'], send: ['sent'], shake: ['shook', 'shaken'],
  shine: ['shone'], shoot: ['shot'], show: ['shown'], shrink: ['shrank', 'shrunk'], sing: ['sang', 'sung'], sink: ['sank', 'sunk'],
  sit: ['sat'], sleep: ['slept'], speak: ['spoke', 'spoken'], spend: ['spent'], stand: ['stood'], steal: ['stole', 'stolen'],
  stick: ['stuck'], strike: ['struck', 'stricken'], swear: ['swore', 'sworn'], sweep: ['swept'], swim: ['swam', 'swum'],
  take: ['took', 'taken'], teach: ['taught'], tear: ['tore', 'torn'], tell: ['told'], think: ['thought'], throw: ['threw', 'thrown'],
  understand: ['understood'], undertake: ['undertook', 'undertaken'], wake: ['woke', 'woken'], wear: ['wore', 'worn'],
  win: ['won'], withdraw: ['withdrew', 'withdrawn'], write: ['wrote', 'written'],
};

/** Inflected form → base form. Forms that are also common other words ("left", "found", "lay") map too: as in a
 * dictionary lookup, the stem then stands for both, which costs little and keeps "found" = "find". */
export const IRREGULAR_BASE: ReadonlyMap<string, string> = new Map(
  Object.entries(VERBS).flatMap(([base, forms]) => forms.map((form) => [form, base] as [string, string])),
);
