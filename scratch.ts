import { readTimeIntent } from './src/search/time.ts';
const now = new Date('2026-11-23T12:00:00Z');
for (const q of ['What did Lavrov say in November 2023?','What was Lavrov\'s message in December 2023?','what happened last december','lavrov since march','lavrov last week','news from 2023','what did he say yesterday','between october and december 2023','lavrov on 12 november 2023','in the past month','What are the latest remarks from Lavrov?','most recent news on hamas', 'what did lavrov say about the 1967 borders', 'gaza death toll'])
  console.log(q, JSON.stringify(readTimeIntent(q, now)));
