/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
export { random } from '../../src/bench/seeded-random.js';
