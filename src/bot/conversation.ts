import { DiscordAPIError, MessageType, RESTJSONErrorCodes, type Message } from 'discord.js';
import { QuestionError } from '../answer/question.js';
import { prepareQuestion } from './ask-flow.js';
import { parseFeedbackCustomId } from './feedback-buttons.js';
import type { BotContext } from './context.js';
import { parseMoreCustomId } from './more-button.js';

/**
 * Where a follow-up's earlier question comes from: the conversation itself, read through Discord's API, so it works
 * after a restart and holds nothing in memory. A reply to one of the bot's answers follows up that answer; a mention
 * in a thread follows up the latest answer of the bot in the thread (or the answer the thread was started from).
 */

/** How far back a thread is read for the bot's latest answer: one page of Discord's history, kept small. */
export const THREAD_LOOKBACK = 20;

/** The question a follow-up follows up, and the answer message it was found on; null: the message stands alone. */
export interface EarlierExchange {
  question: string;
  answerMessageId: string;
}

export async function findEarlierExchange(message: Message, context: BotContext): Promise<EarlierExchange | null> {
  const botId = message.client.user.id;
  if (message.reference?.messageId) {
    const replied = await fetchReplied(message, context);
    // A reply to someone else's message is not a follow-up to the bot, even in a thread.
    if (!replied || replied.author.id !== botId) return null;
    return exchangeOf(replied, context);
  }
  if (!message.channel.isThread()) return null;
  const history = await message.channel.messages.fetch({ limit: THREAD_LOOKBACK, before: message.id }).catch((err: unknown) => {
    context.logger.warn({ err, channel: message.channelId, message: message.id }, 'could not read the thread; answered as a question of its own');
    return null;
  });
  if (!history) return null;
  // Newest first: the latest answer is what "and iran?" follows.
  for (const earlier of history.values()) {
    // System messages (the thread's starter notice among them) are not answers, whoever Discord names as author.
    if (earlier.system || earlier.author.id !== botId) continue;
    const exchange = await exchangeOf(earlier, context);
    if (exchange) return exchange;
  }
  // A thread started from an answer in the channel: that answer begins the conversation.
  const starter = [...history.values()].find((m) => m.type === MessageType.ThreadStarterMessage);
  if (starter || history.size >= THREAD_LOOKBACK) {
    const opening = await message.channel.fetchStarterMessage().catch(() => null);
    if (opening && opening.author.id === botId) return exchangeOf(opening, context);
  }
  return null;
}

/** The replied-to message, fetched through the API; null (logged) when it is gone or cannot be read. */
async function fetchReplied(message: Message, context: BotContext): Promise<Message | null> {
  try {
    return await message.fetchReference();
  } catch (err) {
    const gone = err instanceof DiscordAPIError && err.code === RESTJSONErrorCodes.UnknownMessage;
    context.logger[gone ? 'info' : 'warn'](
      { err: gone ? undefined : err, message: message.id, reference: message.reference?.messageId },
      gone ? 'the replied-to message is gone; answered as a question of its own' : 'could not read the replied-to message; answered as a question of its own',
    );
    return null;
  }
}

/**
 * The question a message of the bot answered: from its record (the answer id its buttons carry), else from the
 * message itself (the question it echoes, or the message it replied to).
 */
async function exchangeOf(answer: Message, context: BotContext): Promise<EarlierExchange | null> {
  const question = recordedQuestion(answer, context) ?? echoedQuestion(answer.content) ?? (await askedIn(answer, context));
  return question ? { question, answerMessageId: answer.id } : null;
}

function recordedQuestion(answer: Message, context: BotContext): string | null {
  const answerId = answerIdOf(answer);
  if (!answerId) return null;
  const found = context.feedback.findAnswer(answerId);
  if (!found.ok || !found.value || found.value.guildId !== answer.guildId) return null;
  return found.value.question;
}

/** The recorded answer's id, from the custom id of its 👍/👎 or "More" button. */
export function answerIdOf(answer: Pick<Message, 'components'>): string | null {
  for (const row of answer.components) {
    if (!('components' in row)) continue;
    for (const component of row.components) {
      const customId = 'customId' in component ? component.customId : null;
      if (!customId) continue;
      const click = parseFeedbackCustomId(customId) ?? parseMoreCustomId(customId);
      if (click) return click.answerId;
    }
  }
  return null;
}

/**
 * The question an answer's closing line echoes ("-# asked: … · searched for: … · as of …"), unescaped; null when
 * it echoes none or only the start of one (echoes are cut at 100 characters, with "…").
 */
export function echoedQuestion(content: string): string | null {
  const closing = content.split('\n').at(-1) ?? '';
  if (!closing.startsWith('-# ')) return null;
  const facts = closing.slice(3).split(' · ').map(unescapeMarkdown);
  for (const label of ['asked: ', 'searched for: ']) {
    const fact = facts.find((f) => f.startsWith(label));
    const text = fact?.slice(label.length).trim();
    if (text && !text.endsWith('…')) return text;
  }
  return null;
}

/** A mention's answer replies to the question: its text, read as the bot reads a question (null if it is none). */
async function askedIn(answer: Message, context: BotContext): Promise<string | null> {
  if (!answer.reference?.messageId) return null;
  const asked = await answer.fetchReference().catch(() => null);
  if (!asked || asked.author.id === answer.author.id) return null;
  try {
    return prepareQuestion(asked.content, context.config.maxQuestionChars);
  } catch (err) {
    if (err instanceof QuestionError) return null;
    throw err;
  }
}

/** Discord's Markdown escapes (a backslash before a markup character), as escapeMarkdown writes them. */
function unescapeMarkdown(text: string): string {
  return text.replace(/\\([\\*_`~|>#\-[\]()<:.])/g, '$1');
}
