/*
 * A process that starts writing an index generation with the real saveSnapshot and stops in the middle of the
 * write phase, where a build killed with kill -9 stops. Usage: tsx stalled-writer.ts INDEX_DIR. Prints
 * "writing <generation>" once its half-written generation folder exists, then blocks until it is killed.
 */
import { readdirSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { HierarchicalNSW } from 'hnswlib-node';
import { DEFAULT_CHUNKING } from '../../src/chunk/chunker.js';
import { DEFAULT_HNSW, MANIFEST_VERSION } from '../../src/index/manifest.js';
import { saveSnapshot } from '../../src/index/store.js';
import { emptyCounts } from '../../src/search/corpus-stats.js';
import { NO_STORY_SENTENCES } from '../../src/search/story-sentences.js';

const indexDir = process.argv[2];
const stalledHnsw = {
  writeIndexSync(file: string) {
    writeFileSync(file, 'half an index');
    writeSync(1, `writing ${path.basename(path.dirname(file))}\n`);
    // Sleeps for good without returning: the generation stays half-written, as at a kill -9.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  },
} as unknown as HierarchicalNSW;

if (!readdirSync(indexDir).includes('CURRENT')) throw new Error(`${indexDir} holds no index to write beside.`);
await saveSnapshot(indexDir, { vectors: new Float32Array(0), hnsw: stalledHnsw, passages: { base: null, removed: [], added: [], counts: emptyCounts(), stories: { removed: null, added: NO_STORY_SENTENCES, stock: new Set() } } }, {
  version: MANIFEST_VERSION,
  model: 'test-hashing',
  dimension: 32,
  chunking: DEFAULT_CHUNKING,
  hnsw: DEFAULT_HNSW,
  documents: {},
  counts: { documents: 0, chunks: 0, vectors: 0, deletedVectors: 0 },
  stories: [],
  builtAt: new Date().toISOString(),
  buildSeconds: 0,
});
