/**
 * Request-body validation for the Discord stand-in against Discord's own OpenAPI description: npm
 * `discord-api-spec` generates zod schemas from it daily, so a field Discord types, bounds or enumerates is checked
 * here the way Discord checks it, without the stand-in restating the spec by hand.
 *
 * Violations come back as Discord's form errors (path + code + message), which the stand-in answers with
 * 400 / 50035 "Invalid Form Body". Rules the spec cannot express (embed total size, allowed_mentions exclusivity,
 * command-name syntax) stay as hand-written checks in the stand-in.
 */
import * as z from 'zod/mini';
import {
  ApplicationCommandAutocompleteCallbackRequestSchema,
  ApplicationCommandCreateRequestSchema,
  ApplicationCommandUpdateRequestSchema,
  CreateMessageInteractionCallbackRequestSchema,
  CreateTextThreadWithMessageRequestSchema,
  IncomingWebhookRequestPartialSchema,
  IncomingWebhookUpdateRequestPartialSchema,
  LaunchActivityInteractionCallbackRequestSchema,
  MessageCreateRequestSchema,
  MessageEditRequestPartialSchema,
  ModalInteractionCallbackRequestSchema,
  PongInteractionCallbackRequestSchema,
  UpdateMessageInteractionCallbackRequestSchema,
} from 'discord-api-spec/zod';

export interface SchemaViolation {
  path: Array<string | number>;
  code: string;
  message: string;
}

type Schema = z.ZodMiniType;

/** Interaction callbacks are one request type per callback `type` (the spec's oneOf). */
const CALLBACK_SCHEMAS: Record<number, Schema> = {
  1: PongInteractionCallbackRequestSchema,
  4: CreateMessageInteractionCallbackRequestSchema,
  5: CreateMessageInteractionCallbackRequestSchema,
  6: UpdateMessageInteractionCallbackRequestSchema,
  7: UpdateMessageInteractionCallbackRequestSchema,
  8: ApplicationCommandAutocompleteCallbackRequestSchema,
  9: ModalInteractionCallbackRequestSchema,
  12: LaunchActivityInteractionCallbackRequestSchema,
};

/** The spec's request body for `METHOD /route/template`; `body` picks the callback variant. */
export function requestSchema(method: string, template: string, body: unknown): Schema | undefined {
  switch (`${method} ${template}`) {
    case 'POST /channels/:channel/messages':
      return MessageCreateRequestSchema;
    case 'POST /channels/:channel/messages/:message/threads':
      return CreateTextThreadWithMessageRequestSchema;
    case 'PATCH /channels/:channel/messages/:message':
      return MessageEditRequestPartialSchema;
    case 'POST /webhooks/:app/:token':
      return IncomingWebhookRequestPartialSchema;
    case 'PATCH /webhooks/:app/:token/messages/:message':
      return IncomingWebhookUpdateRequestPartialSchema;
    case 'POST /interactions/:id/:token/callback': {
      const type = (body as { type?: unknown } | null)?.type;
      return typeof type === 'number' ? CALLBACK_SCHEMAS[type] : undefined;
    }
    case 'PUT /applications/:app/commands':
    case 'PUT /applications/:app/guilds/:guild/commands':
      return z.array(ApplicationCommandUpdateRequestSchema);
    case 'POST /applications/:app/commands':
    case 'POST /applications/:app/guilds/:guild/commands':
      return ApplicationCommandCreateRequestSchema;
    default:
      return undefined;
  }
}

/** Every way `body` breaks `schema`, as Discord's form-error codes and messages. */
export function schemaViolations(schema: Schema, body: unknown): SchemaViolation[] {
  const result = schema.safeParse(body, { reportInput: true });
  if (result.success) return [];
  return result.error.issues.flatMap((issue) => {
    const violation = toDiscordError(issue as Issue);
    return violation ? [{ path: issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), ...violation }] : [];
  });
}

interface Issue {
  code: string;
  input?: unknown;
  expected?: string;
  origin?: string;
  maximum?: number | bigint;
  minimum?: number | bigint;
  values?: unknown[];
  format?: string;
  message: string;
}

const quoted = (value: unknown) => JSON.stringify(typeof value === 'string' ? value : String(value));

/**
 * Discord's code and message for one zod issue (the codes are the ones Discord answers with, e.g.
 * NUMBER_TYPE_COERCE for `color: "blue"`), or null when the issue is not one Discord would raise.
 */
function toDiscordError(issue: Issue): Omit<SchemaViolation, 'path'> | null {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return { code: 'BASE_TYPE_REQUIRED', message: 'This field is required' };
      // Discord coerces numeric strings where the spec says number (permission bit sets are sent as "32").
      if (isNumberType(issue.expected) && typeof issue.input === 'string' && NUMERIC.test(issue.input)) return null;
      return invalidType(issue.expected, issue.input);
    case 'too_big':
      // Discord counts text in code points (an emoji is 1); zod counts UTF-16 units and would refuse valid text.
      if (issue.origin === 'string' && typeof issue.input === 'string' && [...issue.input].length <= Number(issue.maximum)) {
        return null;
      }
      return isNumberType(issue.origin)
        ? { code: 'NUMBER_TYPE_MAX', message: `int value should be less than or equal to ${issue.maximum}.` }
        : { code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${issue.maximum} or fewer in length.` };
    case 'too_small':
      return isNumberType(issue.origin)
        ? { code: 'NUMBER_TYPE_MIN', message: `int value should be greater than or equal to ${issue.minimum}.` }
        : { code: 'BASE_TYPE_MIN_LENGTH', message: `Must be ${issue.minimum} or more in length.` };
    case 'invalid_value':
      return { code: 'BASE_TYPE_CHOICES', message: `Value must be one of {${(issue.values ?? []).map(quoted).join(', ')}}.` };
    case 'invalid_union':
      return { code: 'UNION_TYPE_CHOICES', message: 'Value does not match any of the allowed types.' };
    case 'invalid_format':
      if (issue.format === 'url') return { code: 'URL_TYPE_INVALID_URL', message: 'Not a well formed URL.' };
      if (issue.format === 'datetime') return { code: 'DATE_TIME_TYPE_PARSE', message: `Could not parse ${quoted(issue.input)}.` };
      return { code: 'STRING_TYPE_REGEX', message: `String value did not match validation regex.` };
    default:
      return { code: 'BASE_TYPE_INVALID', message: issue.message };
  }
}

const NUMERIC = /^-?\d+(\.\d+)?$/;
const isNumberType = (expected: string | undefined) => expected === 'number' || expected === 'int' || expected === 'bigint';

function invalidType(expected: string | undefined, input: unknown): Omit<SchemaViolation, 'path'> {
  if (isNumberType(expected)) return { code: 'NUMBER_TYPE_COERCE', message: `Value ${quoted(input)} is not int.` };
  switch (expected) {
    case 'array':
      return { code: 'LIST_TYPE_CONVERT', message: 'Only iterables may be used in a ListType' };
    case 'object':
      return { code: 'MODEL_TYPE_CONVERT', message: 'Only dictionaries may be used in a ModelType' };
    case 'boolean':
      return { code: 'BOOLEAN_TYPE_CONVERT', message: `Value ${quoted(input)} is not a boolean.` };
    default:
      return { code: 'STRING_TYPE_CONVERT', message: `Value ${quoted(input)} is not a ${expected ?? 'valid value'}.` };
  }
}
