import { readFile } from 'node:fs/promises';

/** One evaluation question: the articles (file-name prefixes) that answer it, and strings an excerpt should hold. */
export interface EvalQuestion {
  q: string;
  /** Empty: the corpus cannot answer it, and the right answer is "not in the corpus". */
  docs: string[];
  answer: string[];
  /** A follow-up to `q`, as a reply in chat ("and iran?"): the follow-up is what is answered and scored. */
  followUp?: string;
}

export async function loadQuestions(file: string): Promise<EvalQuestion[]> {
  const text = await readFile(file, 'utf8');
  return text
    .split(/\r?\n/)
    .map((line, i) => ({ line: line.trim(), number: i + 1 }))
    .filter(({ line }) => line !== '')
    .map(({ line, number }) => {
      let data: Partial<EvalQuestion>;
      try {
        data = JSON.parse(line) as Partial<EvalQuestion>;
      } catch {
        throw new Error(`${file}:${number} is not valid JSON.`);
      }
      if (typeof data.q !== 'string' || !Array.isArray(data.docs)) throw new Error(`${file}:${number} needs "q" (string) and "docs" (array).`);
      if (data.followUp !== undefined && typeof data.followUp !== 'string') throw new Error(`${file}:${number}: "followUp" must be a string.`);
      const followUp = data.followUp === undefined ? {} : { followUp: data.followUp };
      return { q: data.q, docs: data.docs.map(String), answer: (data.answer ?? []).map(String), ...followUp };
    });
}
