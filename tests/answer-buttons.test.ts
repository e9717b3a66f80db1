/** The buttons under an answer: links to the cited articles, "More" custom ids, and which buttons an answer gets. */
import { ButtonStyle, ComponentType } from 'discord.js';
import { describe, expect, it } from 'vitest';
import type { Citation } from '../src/answer/answer.js';
import { answerMessage, morePage } from '../src/bot/answer-message.js';
import { feedbackRow, withFeedbackCounts } from '../src/bot/feedback-buttons.js';
import { linkRow } from '../src/bot/link-buttons.js';
import { answer, citation as madeUpCitation } from './helpers/made-up-answer.js';
import { mayHaveMore, MORE_MAX_CITATIONS, moreButton, moreCustomId, parseMoreCustomId } from '../src/bot/more-button.js';

const ID = 'Ab3_-xYz0123';

/** A made-up citation, with a web address or none. */
const citation = (n: number, url: string | null = null): Citation => madeUpCitation(n, { url });

const labels = (components: ReturnType<typeof answerMessage>['components']) =>
  components.map((row) => row.components.map((b) => ('custom_id' in b ? b.custom_id : `${b.type}:${'label' in b ? b.label : ''}`)));

describe('link buttons', () => {
  it('one per cited article with a web address, numbered as its embed and named after its site', () => {
    const row = linkRow([citation(1, 'https://www.apnews.com/article/x'), citation(2), citation(3, 'http://example.org/a b')]);
    expect(row).toEqual({
      type: ComponentType.ActionRow,
      components: [
        { type: ComponentType.Button, style: ButtonStyle.Link, url: 'https://www.apnews.com/article/x', label: '[1] apnews.com' },
        { type: ComponentType.Button, style: ButtonStyle.Link, url: 'http://example.org/a%20b', label: '[3] example.org' },
      ],
    });
  });

  it('none for addresses Discord would refuse or a reader could not open', () => {
    const refused = ['javascript:alert(1)', 'ftp://example.org/f', 'not a url', `https://example.org/${'a'.repeat(500)}`];
    expect(linkRow(refused.map((url, i) => citation(i + 1, url)))).toBeNull();
    expect(linkRow([citation(1)])).toBeNull();
  });
});

describe('"More" custom ids', () => {
  it('round-trip answer id and citations shown, within Discord’s 100 characters', () => {
    for (const shown of [1, 3, MORE_MAX_CITATIONS - 1]) {
      expect(moreCustomId(ID, shown).length).toBeLessThanOrEqual(100);
      expect(parseMoreCustomId(moreCustomId(ID, shown))).toEqual({ answerId: ID, shown });
    }
    expect(moreButton(ID, 3)).toEqual({ type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: `more:${ID}:3`, label: 'More' });
  });

  it.each(['more', 'more:', `more:${ID}`, `more:${ID}:`, `more:${ID}:0`, `more:${ID}:-1`, `more:${ID}:1.5`, `more:${ID}:03`, `more:${ID}:${MORE_MAX_CITATIONS}`, `more:${ID}:99`, `more:${ID}:3:x`, 'more:short:3', `feedback:${ID}:up`, ''])(
    'rejects %j',
    (customId) => expect(parseMoreCustomId(customId)).toBeNull(),
  );

  it('is offered only when a full set came back and the cap is not reached', () => {
    expect([mayHaveMore(3, 3), mayHaveMore(2, 3), mayHaveMore(0, 3), mayHaveMore(1, 1), mayHaveMore(MORE_MAX_CITATIONS, MORE_MAX_CITATIONS)]).toEqual([
      true,
      false,
      false,
      true,
      false,
    ]);
  });
});

describe('the buttons an answer gets', () => {
  const full = [citation(1, 'https://example.org/1'), citation(2), citation(3)];

  it('links, then 👍 / 👎 / More when a full set of citations may have more behind it', () => {
    expect(labels(answerMessage(answer(full), {}, { answerId: ID, k: 3 }).components)).toEqual([
      [`${ComponentType.Button}:[1] example.org`],
      [`feedback:${ID}:up`, `feedback:${ID}:down`, `more:${ID}:3`],
    ]);
    expect(labels(answerMessage(answer(full.slice(0, 2)), {}, { answerId: ID, k: 3 }).components)).toEqual([
      [`${ComponentType.Button}:[1] example.org`],
      [`feedback:${ID}:up`, `feedback:${ID}:down`],
    ]);
    expect(labels(answerMessage(answer([]), {}, { answerId: ID, k: 3 }).components)).toEqual([[`feedback:${ID}:up`, `feedback:${ID}:down`]]);
  });

  it('no 👍 / 👎 / More without a recorded answer (links still work)', () => {
    expect(labels(answerMessage(answer(full), {}, { answerId: null, k: 3 }).components)).toEqual([[`${ComponentType.Button}:[1] example.org`]]);
  });

  it('a "More" page carries its own links and "More" for the page after it while pages are full', () => {
    const page = [citation(4, 'https://example.org/4'), citation(5), citation(6)];
    const message = morePage(answer([...full, ...page]), ID, 3, page);
    expect(message.embeds.map((e) => e.title)).toEqual(['[4] Title 4', '[5] Title 5', '[6] Title 6']);
    expect(labels(message.components)).toEqual([[`${ComponentType.Button}:[4] example.org`], [`more:${ID}:6`]]);
    const short = [citation(4), citation(5)];
    expect(morePage(answer([...full, ...short]), ID, 3, short).components).toEqual([]);
  });

  it('a vote updates 👍 / 👎 in place, beside "More"', () => {
    const { components } = answerMessage(answer(full), {}, { answerId: ID, k: 3 });
    const updated = withFeedbackCounts(components, ID, { up: 2, down: 0 });
    expect(updated[0]).toEqual(components[0]);
    expect(labels(updated as typeof components)).toEqual(labels(components));
    expect(updated[1]).toEqual({ ...components[1], components: [...feedbackRow(ID, { up: 2, down: 0 }).components, moreButton(ID, 3)] });
  });
});
