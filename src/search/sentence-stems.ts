import { derived } from '../index/derived.js';
import type { IndexSnapshot } from '../index/snapshot.js';
import { termStems } from './keyword-index.js';

/**
 * The stems of each sentence of a passage, by the sentence spans the chunker stored with it; computed once per
 * passage and snapshot. Asked by the highlight (which sentence to quote) and by relevance rule 5 (which sentence
 * states a count).
 */
export function sentenceStems(snapshot: IndexSnapshot, index: number): Array<Set<string>> {
  return derived(snapshot, `sentence-stems:${index}`, () => {
    const chunk = snapshot.chunks.get(index);
    return chunk.sentences.map(([start, end]) => termStems(chunk.text.slice(start, end)));
  });
}
