/**
 * Message components for the Discord stand-in: the checks Discord makes on the `components` of a message that its
 * OpenAPI description (validated in `discord-schema.ts` before this runs) cannot express, and which clicks Discord
 * can deliver at all. Kept apart from the stand-in's transport code; `discord-stand-in.ts` calls these.
 *
 * The schema already bounds lengths (custom_id 1–100, label ≤ 80, url ≤ 512, placeholder ≤ 150), component types,
 * styles and select options. Left here (Discord docs, "Component reference"): at most 5 action rows; a row is 5
 * units wide, a button takes 1 and a select menu all 5; custom ids unique within the message; a button needs a
 * label or an emoji; link buttons have a url and no custom_id, premium buttons a sku_id, the others a custom_id
 * and no url; without the IS_COMPONENTS_V2 flag only action rows may be top-level.
 */
import { ButtonStyle, ComponentType, MessageFlags, type APIMessage } from 'discord.js';

/** Where validation errors go (the stand-in's Discord-shaped error tree). */
export interface ComponentErrorSink {
  add(path: Array<string | number>, code: string, message: string): void;
}

export const COMPONENT_LIMITS = { rows: 5, rowWidth: 5 };

type Path = Array<string | number>;

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

const present = (value: unknown) => typeof value === 'string' && value.length > 0;

function checkUnique(errors: ComponentErrorSink, path: Path, customId: unknown, seen: Set<string>): void {
  if (typeof customId !== 'string') return;
  if (seen.has(customId)) errors.add([...path, 'custom_id'], 'COMPONENT_CUSTOM_ID_DUPLICATED', 'Component custom id cannot be duplicated');
  seen.add(customId);
}

function validateButton(errors: ComponentErrorSink, path: Path, button: Record<string, unknown>, seen: Set<string>): void {
  const style = button.style as number;
  const hasEmoji = present(record(button.emoji).id) || present(record(button.emoji).name);
  if (style !== ButtonStyle.Premium && !present(button.label) && !hasEmoji) {
    errors.add([...path, 'label'], 'BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED', 'A label or an emoji is required.');
  }
  if (style === ButtonStyle.Link) {
    if (!present(button.url)) errors.add([...path, 'url'], 'BASE_TYPE_REQUIRED', 'This field is required');
    if (button.custom_id !== undefined) errors.add([...path, 'custom_id'], 'BUTTON_COMPONENT_CUSTOM_ID_FORBIDDEN', 'A link button cannot have a custom id.');
    return;
  }
  if (style === ButtonStyle.Premium) {
    if (!present(button.sku_id)) errors.add([...path, 'sku_id'], 'BASE_TYPE_REQUIRED', 'This field is required');
    return;
  }
  if (button.url !== undefined) errors.add([...path, 'url'], 'BUTTON_COMPONENT_URL_FORBIDDEN', 'Only link buttons can have a url.');
  if (!present(button.custom_id)) errors.add([...path, 'custom_id'], 'BASE_TYPE_REQUIRED', 'This field is required');
  checkUnique(errors, path, button.custom_id, seen);
}

/**
 * Checks a message body's `components`. Messages flagged IS_COMPONENTS_V2 use another layout (containers, text
 * displays…) whose rules the stand-in does not model: they are refused rather than passed half-checked.
 */
export function validateComponents(errors: ComponentErrorSink, path: Path, components: unknown, flags: unknown): void {
  if (!Array.isArray(components)) return; // absent, null, or a type error the schema reports
  if ((Number(flags) || 0) & MessageFlags.IsComponentsV2) {
    return errors.add(path, 'STAND_IN_UNSUPPORTED', 'The stand-in does not model IS_COMPONENTS_V2 layouts.');
  }
  if (components.length > COMPONENT_LIMITS.rows) {
    errors.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${COMPONENT_LIMITS.rows} or fewer in length.`);
  }
  const seen = new Set<string>();
  components.forEach((raw, i) => {
    const row = record(raw);
    if (row.type !== ComponentType.ActionRow) {
      return errors.add([...path, i, 'type'], 'UNION_TYPE_CHOICES', `Value of field "type" must be one of (${ComponentType.ActionRow},).`);
    }
    let width = 0;
    (Array.isArray(row.components) ? row.components : []).forEach((rawItem, j) => {
      const item = record(rawItem);
      const at = [...path, i, 'components', j];
      if (item.type === ComponentType.Button) {
        width += 1;
        validateButton(errors, at, item, seen);
      } else {
        width += COMPONENT_LIMITS.rowWidth; // a select menu fills its row
        checkUnique(errors, at, item.custom_id, seen);
      }
    });
    if (width > COMPONENT_LIMITS.rowWidth) {
      errors.add([...path, i, 'components'], 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', 'The specified component exceeds the maximum width');
    }
  });
}

/** The clickable component with this custom id on a message, with its type; undefined when there is none. */
export function findClickable(message: APIMessage, customId: string): { type: ComponentType; disabled: boolean } | undefined {
  for (const row of message.components ?? []) {
    if (row.type !== ComponentType.ActionRow) continue;
    for (const item of row.components) {
      if ('custom_id' in item && item.custom_id === customId) return { type: item.type, disabled: item.disabled === true };
    }
  }
  return undefined;
}

/**
 * Why Discord could never deliver this click, or null when it could: the message must carry an enabled component
 * with that custom id (link buttons have none), and an ephemeral message is only seen by the user it was sent to.
 */
export function clickRefusal(message: APIMessage, customId: string, ephemeralFor: string | null, userId: string): string | null {
  const component = findClickable(message, customId);
  if (!component) return `message ${message.id} has no component with custom_id ${JSON.stringify(customId)}`;
  if (component.disabled) return `the component ${JSON.stringify(customId)} on message ${message.id} is disabled`;
  if (ephemeralFor !== null && ephemeralFor !== userId) return `message ${message.id} is ephemeral and only its recipient can click it`;
  return null;
}
