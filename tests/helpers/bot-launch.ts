/**
 * `npm start` (src/bot/main.ts) pointed at a Discord stand-in: the same launch, sharding manager included, with the
 * REST base from STAND_IN_API_URL. The sharding manager starts each shard with this same file.
 */
import { fileURLToPath } from 'node:url';
import { launch } from '../../src/bot/launch.js';

await launch({ entry: fileURLToPath(import.meta.url), restApi: process.env.STAND_IN_API_URL });
