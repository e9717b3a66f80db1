import type { IndexSnapshot } from '../index/snapshot.js';
import { vectorOf } from '../index/snapshot.js';
import { searchKeywords, type KeywordHit } from './keyword-index.js';
import { informationShare, type QueryAnalysis } from './query.js';
import { dot } from './vector-math.js';

export type RetrievalMode = 'hybrid' | 'vector' | 'bm25';

export interface Candidate {
  chunk: number;
  /** Cosine between the question and the passage; 0 when either has no vector. */
  cosine: number;
  /** Share of the question's information (content words weighted by rarity) that the passage contains. */
  coverage: number;
  /** What candidates are ordered by, per mode. */
  score: number;
}

export interface Retrieval {
  candidates: Candidate[];
  /** Share of the question's information carried by words that no passage of the corpus contains. */
  unattested: number;
}

export interface RetrieveOptions {
  mode?: RetrievalMode;
  /** How many candidates each retriever (vector, keyword) contributes. */
  pool?: number;
}

/**
 * Finds passages for a question. Candidates are the vector search's nearest passages plus the keyword search's
 * best ones. In hybrid mode they are ranked by cosine + coverage: semantic closeness and lexical evidence, each
 * on a 0–1 scale, weighted equally. Coverage weights each question word by its rarity in general English, so a
 * passage that names "Hezbollah" outranks one that merely says "said"; RRF was tried first and let the vector
 * side's near-misses (on-topic in general, silent on the question) crowd out the passage that answers.
 */
export function retrieve(snapshot: IndexSnapshot, query: QueryAnalysis, queryVector: Float32Array, options: RetrieveOptions = {}): Retrieval {
  const mode = options.mode ?? 'hybrid';
  const pool = options.pool ?? 30;
  const keywordHits = searchKeywords(snapshot.keywords, query.terms.map((t) => t.word).join(' '));
  const hasVector = queryVector.some((x) => x !== 0);

  const pooled = new Set<number>();
  if (mode !== 'bm25' && hasVector) for (const chunk of vectorNeighbours(snapshot, queryVector, pool)) pooled.add(chunk);
  if (mode !== 'vector') for (const hit of keywordHits.slice(0, pool)) pooled.add(hit.chunk);

  // One pass over the keyword hits (thousands on a large corpus) for the two things needed from all of them:
  // the hits of the pooled passages, and which question stems some passage attests (done once all are seen).
  const hitsByChunk = new Map<number, KeywordHit>();
  const wanted = new Set(query.terms.map((t) => t.stem));
  const attestedStems = new Set<string>();
  for (const hit of keywordHits) {
    if (pooled.has(hit.chunk)) hitsByChunk.set(hit.chunk, hit);
    if (attestedStems.size < wanted.size) for (const s of hit.stems) if (wanted.has(s)) attestedStems.add(s);
  }

  const candidates = [...pooled].map((chunk): Candidate => {
    const cosine = hasVector ? dot(queryVector, vectorOf(snapshot, chunk)) : 0;
    const hit = hitsByChunk.get(chunk);
    const coverage = hit ? informationShare(query, hit.stems) : 0;
    const score = mode === 'vector' ? cosine : mode === 'bm25' ? (hit?.score ?? 0) : cosine + coverage;
    return { chunk, cosine, coverage, score };
  });
  candidates.sort((a, b) => b.score - a.score || b.cosine - a.cosine || a.chunk - b.chunk);

  const unattested = 1 - informationShare(query, attestedStems);
  return { candidates, unattested };
}

function vectorNeighbours(snapshot: IndexSnapshot, queryVector: Float32Array, pool: number): number[] {
  const available = snapshot.hnsw.getCurrentCount();
  if (available === 0) return [];
  return snapshot.hnsw.searchKnn(Array.from(queryVector), Math.min(pool, available)).neighbors;
}
