/*
 * How HNSW construction slows as the graph grows, for extrapolating a full build to a million passages: inserts
 * the vectors of a built index (its vectors.f32, in passage order, as the build does) into a new graph with the
 * build's parameters and prints the insertion rate of each block with the graph's size. HNSW's insertion cost
 * grows with the log of the graph's size, plus whatever the graph no longer fitting in the CPU caches costs; the
 * last blocks' rate is the one to extrapolate from.
 *
 *   npx tsx src/bench/hnsw-growth.ts <index folder> [--m M] [--ef-construction EF]
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import hnswlib from 'hnswlib-node';
import { DEFAULT_HNSW } from '../index/manifest.js';
import { hasDirection } from '../index/embed-passages.js';
import { currentGenerationDir } from './memory.js';

const BLOCKS = 8;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { m: { type: 'string' }, 'ef-construction': { type: 'string' } },
});
if (positionals.length !== 1) {
  process.stderr.write('usage: npx tsx src/bench/hnsw-growth.ts <index folder> [--m M] [--ef-construction EF]\n');
  process.exit(2);
}
const dir = currentGenerationDir(positionals[0]);
const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as { dimension: number };
const dim = manifest.dimension;
const bytes = await readFile(path.join(dir, 'vectors.f32'));
const vectors = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
const count = vectors.length / dim;
const m = Number(values.m ?? DEFAULT_HNSW.m);
const efConstruction = Number(values['ef-construction'] ?? DEFAULT_HNSW.efConstruction);

const hnsw = new hnswlib.HierarchicalNSW('cosine', dim);
hnsw.initIndex({ maxElements: count, m, efConstruction, randomSeed: 100 });
process.stdout.write(`${count} vectors of ${dim} dimensions, m ${m}, efConstruction ${efConstruction}\n`);
const block = Math.ceil(count / BLOCKS);
let total = 0;
for (let from = 0; from < count; from += block) {
  const to = Math.min(count, from + block);
  const started = performance.now();
  for (let i = from; i < to; i++) if (hasDirection(vectors, i, dim)) hnsw.addPoint(Array.from(vectors.subarray(i * dim, (i + 1) * dim)), i);
  const seconds = (performance.now() - started) / 1000;
  total += seconds;
  process.stdout.write(`graph ${from}–${to}: ${((to - from) / seconds).toFixed(0)} inserts/s (${seconds.toFixed(1)} s)\n`);
}
process.stdout.write(`total ${total.toFixed(1)} s\n`);
