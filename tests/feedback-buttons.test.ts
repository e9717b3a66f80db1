/** The 👍/👎 custom ids and rows: what a click may carry, and keeping other rows when counts change. */
import { ButtonStyle, ComponentType, type APIMessageTopLevelComponent } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { feedbackCustomId, feedbackRow, parseFeedbackCustomId, withFeedbackCounts } from '../src/bot/feedback-buttons.js';

const ID = 'Ab3_-xYz0123';

describe('feedback custom ids', () => {
  it('round-trips answer id and vote, within Discord’s 100 characters', () => {
    for (const vote of [1, -1] as const) {
      const customId = feedbackCustomId(ID, vote);
      expect(customId.length).toBeLessThanOrEqual(100);
      expect(parseFeedbackCustomId(customId)).toEqual({ answerId: ID, vote });
    }
    expect(feedbackCustomId(ID, 1)).toBe(`feedback:${ID}:up`);
  });

  it.each([
    'feedback',
    'feedback:',
    `feedback:${ID}`,
    `feedback:${ID}:`,
    `feedback:${ID}:UP`,
    `feedback:${ID}:toString`,
    `feedback:${ID}:__proto__`,
    `feedback:${ID}:up:extra`,
    `feedback:${ID}x:up`,
    'feedback:short:up',
    `feedback:${ID.slice(0, 11)}!:down`,
    `more:${ID}:up`,
    '',
  ])('rejects %j', (customId) => {
    expect(parseFeedbackCustomId(customId)).toBeNull();
  });
});

describe('feedback rows', () => {
  it('shows counts only above zero', () => {
    expect(feedbackRow(ID)).toEqual({
      type: ComponentType.ActionRow,
      components: [
        { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: `feedback:${ID}:up`, emoji: { name: '👍' } },
        { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: `feedback:${ID}:down`, emoji: { name: '👎' } },
      ],
    });
    expect(feedbackRow(ID, { up: 0, down: 12 }).components.map((b) => b.label)).toEqual([undefined, '12']);
  });

  it('replaces only the feedback row, keeping the other rows where they are', () => {
    const links: APIMessageTopLevelComponent = {
      type: ComponentType.ActionRow,
      components: [{ type: ComponentType.Button, style: ButtonStyle.Link, url: 'https://example.org/a', label: 'Article' }],
    };
    const more: APIMessageTopLevelComponent = {
      type: ComponentType.ActionRow,
      components: [{ type: ComponentType.Button, style: ButtonStyle.Primary, custom_id: 'more:x', label: 'More' }],
    };
    const updated = withFeedbackCounts([links, feedbackRow(ID), more], ID, { up: 2, down: 1 });
    expect(updated).toEqual([links, feedbackRow(ID, { up: 2, down: 1 }), more]);
    // A message that lost its row (edited by an older version) gets it back at the end.
    expect(withFeedbackCounts([links], ID, { up: 1, down: 0 })).toEqual([links, feedbackRow(ID, { up: 1, down: 0 })]);
  });
});
