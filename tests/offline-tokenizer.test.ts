import path from 'node:path';
import { AutoTokenizer, env } from '@xenova/transformers';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CACHE_DIR, fastOfflineTokenizer } from '../src/embed/transformers-embedder.js';
import { OFFLINE_MODEL_ID } from '../src/embed/offline-model.js';

type Tokenize = (texts: string[], options: { padding: boolean; truncation: boolean }) => { input_ids: { data: BigInt64Array } };

async function offlineTokenizer(): Promise<Tokenize> {
  env.allowLocalModels = true;
  env.allowRemoteModels = false;
  env.localModelPath = (process.env.MODEL_CACHE_DIR || DEFAULT_CACHE_DIR) + path.sep;
  return (await AutoTokenizer.from_pretrained(OFFLINE_MODEL_ID)) as unknown as Tokenize;
}

const TEXTS = [
  'Russian Foreign Minister Sergey Lavrov, in an exclusive interview with TASS, said “enough”.',
  'Café déjà vu: naïve façade Ångström Øresund — Straße, İstanbul, Łódź.',
  'Control\u0000chars\u0007 and\u200b zero-width\u00ad soft hyphens, tabs\tand\nnewlines\r\n.',
  '中文字符 mixed with English 日本語 and emoji 🚀🇺🇦 and \uFFFD replacement.',
  `${'supercalifragilistic'.repeat(8)} longword, UPPER lower MiXeD, numbers 34,000 and 1967.`,
  '',
];

describe('offline tokenizer fast path', () => {
  it('yields exactly the token ids of transformers.js’ own normaliser and WordPiece encoder', async () => {
    const reference = await offlineTokenizer();
    const fast = await offlineTokenizer();
    expect(fast).not.toBe(reference);
    fastOfflineTokenizer(fast);
    // The shortcut really is in place on one tokenizer and not the other.
    const normalizerOf = (t: unknown) => (t as { normalizer: { normalize: unknown } }).normalizer.normalize;
    expect(normalizerOf(fast)).not.toBe(normalizerOf(reference));
    for (const text of TEXTS) {
      const expected = Array.from(reference([text], { padding: true, truncation: true }).input_ids.data);
      const actual = Array.from(fast([text], { padding: true, truncation: true }).input_ids.data);
      expect(actual, text).toEqual(expected);
    }
  });
});
