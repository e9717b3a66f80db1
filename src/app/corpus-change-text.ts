import type { RefusedUpload } from '../corpus/add-article.js';
import type { AddOutcome, RemoveOutcome } from './corpus-updates.js';

/** How a title or file name is shown: plain on a terminal, escaped and in code spans on Discord. */
export interface TextStyle {
  title(title: string): string;
  file(file: string): string;
  /** What to run to index the corpus again. */
  reindex: string;
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** One line per added article (with its passages) and one sentence per refused file; shared by /add and `npm run add`. */
export function describeAdd(outcome: AddOutcome, downloadRefusals: readonly RefusedUpload[], style: TextStyle): string {
  const lines: string[] = [];
  for (const a of outcome.added) {
    const passages = a.passages === null ? '' : ` (${plural(a.passages, 'passage')})`;
    lines.push(`Added ${style.title(a.title)} as ${style.file(a.file)}${passages}.`);
  }
  if (outcome.rebuildError) {
    lines.push(
      `The index could not be updated: ${outcome.rebuildError} The new ${outcome.added.length === 1 ? 'article is' : 'articles are'} in the corpus and will be indexed by the next ${style.reindex}; questions are answered from the previous index meanwhile.`,
    );
  }
  for (const r of [...downloadRefusals, ...outcome.refused]) lines.push(`Not added: ${r.reason}`);
  if (lines.length === 0) lines.push('Nothing was added.');
  return lines.join('\n');
}

export function describeRemove(outcome: RemoveOutcome, style: TextStyle): string {
  const what = outcome.title ? `${style.file(outcome.file)} (${style.title(outcome.title)})` : style.file(outcome.file);
  if (outcome.rebuildError) {
    return `Removed ${what} from the corpus, but the index could not be updated: ${outcome.rebuildError} It is still cited until the next ${style.reindex}.`;
  }
  return `Removed ${what}; the index now holds ${plural(outcome.documents ?? 0, 'article')}.`;
}
