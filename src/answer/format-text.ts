import type { Answer, Citation } from './answer.js';

export const NOT_IN_CORPUS = 'Nothing in the corpus answers this question.';

/** The excerpt with its best sentence in bold (Markdown, which Discord renders and a terminal reads fine). */
export function markHighlight(citation: Pick<Citation, 'excerpt' | 'highlight'>): string {
  const { excerpt, highlight } = citation;
  const at = highlight ? excerpt.indexOf(highlight) : -1;
  if (at < 0) return excerpt;
  return `${excerpt.slice(0, at)}**${highlight}**${excerpt.slice(at + highlight.length)}`;
}

/** "Title — 2023-12-28 — corpus/002.txt": how every front end names a source. */
export function citationHeading(citation: Citation): string {
  return [citation.title, citation.date ?? 'undated', citation.source].join(' — ');
}

/** The readable answer `ask` prints. */
export function formatAnswerText(answer: Answer): string {
  const lines = [`Q: ${answer.question}`, ''];
  if (!answer.answered) {
    lines.push(NOT_IN_CORPUS);
    return lines.join('\n');
  }
  for (const c of answer.citations) {
    lines.push(`[${c.n}] ${citationHeading(c)} (score ${c.score.toFixed(3)})`);
    lines.push(...markHighlight(c).split('\n').map((l) => `    ${l}`), '');
  }
  return lines.join('\n').trimEnd();
}
