/** A question the user must rephrase; the message is safe to show as is. */
export class QuestionError extends Error {
  override name = 'QuestionError';
}

/** Trims and checks a question; throws QuestionError for an empty or over-long one. */
export function validateQuestion(raw: string, maxChars: number): string {
  const question = raw.replace(/\s+/g, ' ').trim();
  if (!question) throw new QuestionError('The question is empty: ask something about the articles.');
  if (question.length > maxChars) {
    throw new QuestionError(`The question is ${question.length} characters long; the limit is ${maxChars}.`);
  }
  return question;
}
