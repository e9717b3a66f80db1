import { derived } from '../index/derived.js';
import type { IndexSnapshot } from '../index/snapshot.js';
import { vectorOf } from '../index/snapshot.js';
import { articlesOfTime, browsesByTime } from './browse.js';
import { corpusStats } from './corpus-stats.js';
import { unboundIn } from './bound-phrases.js';
import { corpusEvidence, passageEvidence, unexpressedIn, type PassageEvidence } from './evidence.js';
import { keywordQuery, type KeywordHit } from './keyword-index.js';
import type { QueryAnalysis } from './query.js';
import { MIN_PASSAGE_COVERAGE, namedThings } from './relevance.js';
import { inRange, type DateRange } from './time.js';
import { dot } from './vector-math.js';

export type RetrievalMode = 'hybrid' | 'vector' | 'bm25';

export interface Candidate {
  chunk: number;
  /** Cosine between the question and the passage; 0 when either has no vector. */
  cosine: number;
  /** Share of the question's weight the passage carries, directly or through synonyms (see evidence.ts). */
  coverage: number;
  evidence: PassageEvidence;
  /** What candidates are ordered by, per mode. */
  score: number;
  /** The question names a time and this passage's article is undated: it may answer, but after dated ones. */
  undated: boolean;
  /** Things the question names that this passage's article never mentions (see relevance.ts, rule 3). */
  unnamed: string[];
}

export interface Retrieval {
  candidates: Candidate[];
  /** What the whole corpus says about each question word (see relevance.ts). */
  corpus: PassageEvidence;
  /** The question names a time and no article is dated within it. */
  noArticleInTime: boolean;
}

export interface RetrieveOptions {
  mode?: RetrievalMode;
  /** How many candidates each retriever (vector, keyword) contributes. */
  pool?: number;
}

/**
 * Finds passages for a question. Candidates are the vector search's nearest passages plus the keyword search's
 * best ones (searched with the question's words, their corrections and WordNet expansions, each boosted by what
 * it is worth). In hybrid mode they are ranked by cosine + coverage: semantic closeness and lexical evidence, each
 * on a 0–1 scale, weighted equally. Coverage weights each question word by how much it says here, so a passage
 * that names "Hezbollah" outranks one that merely says "said"; RRF was tried first and let the vector side's
 * near-misses (on-topic in general, silent on the question) crowd out the passage that answers.
 *
 * A question that names a time ("in November 2023") is answered from the articles dated then; articles with no
 * date cannot be ruled out, so they stay, ranked after the dated ones. Articles dated at another time are left out.
 */
export function retrieve(snapshot: IndexSnapshot, query: QueryAnalysis, queryVector: Float32Array, options: RetrieveOptions = {}): Retrieval {
  const mode = options.mode ?? 'hybrid';
  const pool = options.pool ?? 30;
  const range = query.time.range;
  const dateOf = (chunk: number) => snapshot.manifest.documents[snapshot.chunks.fileOf(chunk)!]?.date ?? null;
  const inTime = range ? allowedChunks(snapshot, range) : null;
  const allowed = inTime?.allowed ?? null;
  const eligible = (chunk: number) => allowed === null || allowed[chunk] === 1;
  const hasVector = queryVector.some((x) => x !== 0);

  const asked = corpusEvidence(snapshot, query);
  const verbs = new Set(query.terms.filter((t) => t.acts).map((t) => t.word));
  const unweighed = new Set(asked.matches.filter((m) => m.credit === 0 && verbs.has(m.word)).map((m) => m.word));
  const corpus = unweighed.size ? corpusEvidence(snapshot, query, unweighed) : asked;
  const noArticleInTime = inTime !== null && !inTime.anyDated;
  // Nothing to search for: the articles of the time asked about, without a vector or keyword search.
  if (browsesByTime(query.time, query.totalWeight)) return { candidates: articlesOfTime(snapshot, query.time, queryVector, pool), corpus, noArticleInTime };

  const pooled = new Set<number>();
  // hnswlib calls a filter for every node it visits: pass one only when there is something to filter.
  if (mode !== 'bm25' && hasVector) for (const chunk of vectorNeighbours(snapshot, queryVector, pool, inTime)) pooled.add(chunk);
  const keywordScores = new Map<number, number>();
  if (mode !== 'vector') {
    for (const hit of keywordSearch(snapshot, query, pool, allowed ? eligible : undefined)) {
      keywordScores.set(hit.chunk, hit.score);
      pooled.add(hit.chunk);
    }
  }

  const named = namedThings(query);
  const unnamedByArticle = new Map<string, string[]>();
  const unnamed = (file: string) => {
    let words = unnamedByArticle.get(file);
    if (!words) unnamedByArticle.set(file, (words = unexpressedIn(snapshot, file, named)));
    return words;
  };
  // Things bound with "of" are asked of an article only for a passage that could be cited (rule 2): reading each
  // sentence of every candidate article cost a tenth of a question's time with the Brown distractors.
  const unboundByArticle = new Map<string, string[]>();
  const unbound = (file: string) => {
    let pairs = unboundByArticle.get(file);
    if (!pairs) unboundByArticle.set(file, (pairs = unboundIn(snapshot, file, query.bound).map((p) => `${p.head.word} of ${p.of.word}`)));
    return pairs;
  };
  const candidates = [...pooled].map((chunk): Candidate => {
    const cosine = hasVector ? dot(queryVector, vectorOf(snapshot, chunk)) : 0;
    const evidence = passageEvidence(snapshot, chunk, query, unweighed);
    const coverage = evidence.coverage;
    const score = mode === 'vector' ? cosine : mode === 'bm25' ? (keywordScores.get(chunk) ?? 0) : cosine + coverage;
    const file = snapshot.chunks.fileOf(chunk)!;
    const words = unnamed(file);
    const missing = words.length > 0 || evidence.decisive < MIN_PASSAGE_COVERAGE ? words : unbound(file);
    return { chunk, cosine, coverage, evidence, score, undated: range !== null && dateOf(chunk) === null, unnamed: missing };
  });
  candidates.sort((a, b) => Number(a.undated) - Number(b.undated) || b.score - a.score || b.cosine - a.cosine || a.chunk - b.chunk);

  return { candidates, corpus, noArticleInTime };
}

/**
 * The `pool` best passages by BM25 (SQLite FTS5) over the question's words and, for a word the corpus does not use,
 * the ways of saying it that it does use. FTS5 weighs every term of a query alike, so an expansion is not boosted by
 * its credit here as it was in MiniSearch; coverage gives it its credit when candidates are ranked. A word the corpus uses finds its passages itself; searching its dozens of WordNet
 * relatives too made a question 5–10× slower on 12,000 passages for no better ranking (passages found by the
 * word or by vector search still get credit for synonyms in their coverage).
 */
function keywordSearch(snapshot: IndexSnapshot, query: QueryAnalysis, pool: number, eligible?: (chunk: number) => boolean): KeywordHit[] {
  const stats = corpusStats(snapshot);
  const known = stats.articleFrequency;
  const words: Array<{ form: string; articles: number }> = [];
  for (const term of query.terms) {
    const attested = known.has(term.stem);
    for (const e of term.expansions) {
      if (e.kind !== 'exact' && e.kind !== 'spelling' && (attested || !e.stems.every((s) => known.has(s)))) continue;
      words.push({ form: e.form, articles: Math.max(0, ...e.stems.map((s) => known.get(s) ?? 0)) });
    }
  }
  const own = new Set(query.terms.map((t) => t.stem));
  const passagesPerArticle = snapshot.manifest.counts.chunks / Math.max(1, stats.articles);
  const match = keywordQuery(candidateWords(words, passagesPerArticle).join(' '), own);
  return match ? snapshot.store.searchKeywords(match, pool, eligible) : [];
}

/**
 * The words that find keyword candidates. FTS5 scores every passage that holds any query word, so the cost of a
 * question follows the postings of its commonest word (at 30k passages "year people time" took 13–33 ms, "Lavrov
 * Hezbollah" 0.05 ms), while a common word's low IDF hardly moves the ranking. So a word that about more than
 * MAX_POSTINGS passages hold (its articles × passages per article) is left out when a rarer word remains: the cost
 * stops growing with the corpus. It still counts in the coverage every candidate is ranked by, and the vector search
 * finds passages by all words. Measured: seeds and seeds + Brown (12k passages) answer exactly as without it; at 30k
 * passages hit@3 41/43 and MRR 0.926 (0.922 without); a cap of 5,000 lost a first place on seeds + Brown.
 */
function candidateWords(words: ReadonlyArray<{ form: string; articles: number }>, passagesPerArticle: number): string[] {
  const rare = words.filter((w) => w.articles * passagesPerArticle <= MAX_POSTINGS);
  return (rare.length > 0 ? rare : words).map((w) => w.form);
}

const MAX_POSTINGS = 10_000;

function vectorNeighbours(snapshot: IndexSnapshot, queryVector: Float32Array, pool: number, inTime: InTime | null): number[] {
  const available = snapshot.hnsw.getCurrentCount();
  if (available === 0) return [];
  if (!inTime) return snapshot.hnsw.searchKnn(Array.from(queryVector), Math.min(pool, available)).neighbors;
  const { allowed, count } = inTime;
  // hnswlib calls a filter for every node it visits, and a selective one (a month of a ten-year archive) makes it
  // walk most of the graph: measured as a third of a dated question's time at 256k passages. Below this share of
  // the passages, comparing the question with each allowed passage directly is cheaper, and exact.
  if (count <= allowed.length * BRUTE_FORCE_SHARE) return nearestAmong(snapshot, queryVector, allowed, pool);
  return snapshot.hnsw.searchKnn(Array.from(queryVector), Math.min(pool, available), (label) => allowed[label] === 1).neighbors;
}

const BRUTE_FORCE_SHARE = 0.05;

function nearestAmong(snapshot: IndexSnapshot, queryVector: Float32Array, allowed: Uint8Array, pool: number): number[] {
  const scored: Array<[number, number]> = [];
  for (let chunk = 0; chunk < allowed.length; chunk++) {
    if (allowed[chunk] === 1) scored.push([chunk, dot(queryVector, vectorOf(snapshot, chunk))]);
  }
  return scored.sort((a, b) => b[1] - a[1]).slice(0, pool).map(([chunk]) => chunk);
}

/** The passages a dated question may cite, and whether any article is dated in the range asked about. */
interface InTime {
  /** 1 for each passage of an article dated within the range, or undated (an undated article is never ruled out). */
  allowed: Uint8Array;
  /** How many passages are allowed. */
  count: number;
  anyDated: boolean;
}

function allowedChunks(snapshot: IndexSnapshot, range: DateRange): InTime {
  // One pass over every article per question was the slowest part of a dated question at 256k passages; people ask
  // about few periods at a time ("last week", "in November 2023"), so the last few filters are kept per snapshot.
  const recent = derived(snapshot, 'allowed-by-range', () => new Map<string, InTime>());
  const key = `${range.from ?? ''}..${range.to ?? ''}`;
  let inTime = recent.get(key);
  if (inTime) {
    recent.delete(key);
    recent.set(key, inTime); // most recently used last
    return inTime;
  }
  inTime = computeAllowedChunks(snapshot, range);
  recent.set(key, inTime);
  if (recent.size > RECENT_RANGES) recent.delete(recent.keys().next().value!);
  return inTime;
}

const RECENT_RANGES = 8;

function computeAllowedChunks(snapshot: IndexSnapshot, range: DateRange): InTime {
  const okFile = new Map<string, boolean>();
  let anyDated = false;
  for (const [file, doc] of Object.entries(snapshot.manifest.documents)) {
    const dated = inRange(doc.date, range);
    anyDated ||= dated;
    okFile.set(file, doc.date === null || dated);
  }
  const allowed = new Uint8Array(snapshot.chunks.length);
  let count = 0;
  for (const [file, ok] of okFile) {
    if (!ok) continue;
    for (const id of snapshot.chunks.positionsOf(file)) {
      count += 1 - allowed[id];
      allowed[id] = 1;
    }
  }
  return { allowed, count, anyDated };
}
