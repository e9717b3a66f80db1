import { fileURLToPath } from 'node:url';
import { launch } from './launch.js';

await launch({ entry: fileURLToPath(import.meta.url) });
