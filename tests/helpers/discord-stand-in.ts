/**
 * An in-process stand-in for the Discord API, for end-to-end tests that drive the REAL discord.js client.
 *
 * Discord is unreachable from CI, so tests start this on 127.0.0.1 (ephemeral port) and point discord.js at it:
 *
 *   const standIn = await startDiscordStandIn();
 *   const client = new Client({ intents, rest: { api: standIn.apiUrl } });
 *   await client.login('test-token');
 *
 * discord.js then calls `GET /api/v10/gateway/bot`, opens the WebSocket URL returned there, IDENTIFIES, and
 * receives READY + GUILD_CREATE for one guild with one text channel. Tests inject events (slash commands,
 * messages) and read back every REST call the client made from `standIn.requests`.
 *
 * The stand-in rejects what real Discord rejects, with Discord-shaped errors, so a test fails here rather than in
 * production: every request body is checked against Discord's OpenAPI schema (discord-schema.ts) and limits the
 * schema cannot say (embed totals...); late or double acks; expired interaction tokens (401 / 50027); rate limits
 * (429, see discord-rate-limits.ts); posting without channel permissions (403 / 50013); privileged intents the
 * application has not enabled (gateway close 4014). It also behaves as Discord does where that surprises: the first
 * follow-up after a deferral edits the loading message, and EPHEMERAL is ignored where it cannot apply.
 *
 * Shut down in this order: `await client.destroy()` first, then `await standIn.close()` — a client that is
 * still connected when the server vanishes would try to reconnect forever.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import {
  AllowedMentionsTypes,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationFlags,
  ChannelType,
  ComponentType,
  GatewayCloseCodes,
  GatewayDispatchEvents,
  GatewayIntentBits,
  GatewayOpcodes,
  InteractionResponseType,
  InteractionType,
  Locale,
  MessageFlags,
  MessageType,
  OverwriteType,
  PermissionFlagsBits,
  type APIAllowedMentions,
  type APIApplication,
  type APIApplicationCommand,
  type APIApplicationCommandInteractionDataOption,
  type APIAttachment,
  type APIChatInputApplicationCommandGuildInteraction,
  type APIEmbed,
  type APIGuildMember,
  type APIInteractionDataResolved,
  type APIMessage,
  type APIOverwrite,
  type APIRole,
  type APITextChannel,
  type APIThreadChannel,
  type APIUser,
  type ChannelFlags,
  type GuildMemberFlags,
  type GuildSystemChannelFlags,
  type RoleFlags,
  type UserFlags,
  type GatewayGuildCreateDispatchData,
  type GatewayIdentifyData,
  type GatewayMessageCreateDispatchData,
  type GatewayReadyDispatchData,
  type GatewayResumeData,
  type APIMessageComponentGuildInteraction,
} from 'discord.js';
import { RateLimits } from './discord-rate-limits.js';
import { requestSchema, schemaViolations } from './discord-schema.js';
import { clickRefusal, validateComponents } from './stand-in-components.js';
import { AttachmentHost, autocompleteData, validateAutocompleteResult, type AutocompleteInput } from './stand-in-attachments.js';
import { channelOfType, channelOptionValue, declaredOptions, inSubcommand, nonTextChannelRefusal, resolvedChannels } from './stand-in-channels.js';
import * as threads from './stand-in-threads.js';
import { identifiedShard, shardReceives, type ShardPair } from './stand-in-shards.js';

/** What a member who can see and use a channel has there, whatever their roles. */
const MEMBER_IN_CHANNEL = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.ReadMessageHistory | PermissionFlagsBits.UseApplicationCommands;

// ---------------------------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------------------------

export interface DiscordStandInOptions {
  /** When set, REST `Authorization: Bot <token>` and the IDENTIFY token must equal it; otherwise any token passes. */
  token?: string;
  /** Sent in HELLO. Discord uses 41 250 ms; shorten it to see heartbeats within a test. */
  heartbeatIntervalMs?: number;
  /** Interaction callbacks arriving later than this after dispatch get 404 "Unknown interaction". Default 3 000. */
  interactionAckTimeoutMs?: number;
  /**
   * Privileged intents enabled for the application (developer portal → Bot → Privileged Gateway Intents). Default
   * none, as for a new application: an IDENTIFY asking for a privileged intent not enabled here is closed with 4014.
   */
  privilegedIntents?: number;
  /** How long an interaction token works for follow-ups and edits after dispatch. Discord: 15 minutes. */
  interactionTokenLifetimeMs?: number;
  /** Rate limits to enforce, in order; a request counts against every rule it matches. Default none. */
  rateLimits?: RateLimitRule[];
  /** More text channels besides `newsroom`, by name (ids via `channelIdOf`). */
  extraChannels?: string[];
  /** Types of channels other than text, by name (see stand-in-channels.ts). */
  channelTypes?: Record<string, ChannelType>;
  /**
   * Permissions denied to the bot in a channel, by channel name: an overwrite on the bot's role, as a server admin
   * would set it. Discord then answers 403 / 50013 Missing Permissions (50001 Missing Access without View Channel).
   */
  botDeniedInChannel?: Record<string, bigint>;
  /** Permissions of @everyone. Default none. */
  everyonePermissions?: bigint;
  /** Permissions of the moderator role. Default ManageGuild + ManageMessages + ModerateMembers + basics. */
  moderatorPermissions?: bigint;
  /** Permissions of the bot's managed role (`app_permissions` are these after the channel's overwrites). */
  botPermissions?: bigint;
  /** Like Discord, echo the bot's own non-ephemeral messages back over the gateway (MESSAGE_CREATE/UPDATE). */
  echoBotMessages?: boolean;
  /** `shards` in `GET /gateway/bot`: how many shards Discord recommends (stand-in-shards.ts). Default 1. */
  recommendedShards?: number;
}

export interface RateLimitRule {
  /** Sent as X-RateLimit-Bucket. */
  bucket: string;
  /** Which requests count against the rule (path without `/api/v10`, as recorded). */
  matches(request: { method: string; path: string }): boolean;
  limit: number;
  windowMs: number;
  /**
   * Whether responses carry X-RateLimit-* headers (default true), which let a client wait before it hits the limit.
   * False is like Discord's undisclosed limits (e.g. on message edits): only the 429 says so.
   */
  announced?: boolean;
}

export interface RecordedFile {
  /** Form field name, e.g. `files[0]`. */
  field: string;
  filename: string;
  contentType: string;
  size: number;
}

export interface RecordedRequest {
  method: string;
  /** Path without the `/api/v10` prefix, e.g. `/channels/123/messages`. */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body; for multipart/form-data the parsed `payload_json` part; `undefined` without a body. */
  body: unknown;
  files: RecordedFile[];
  headers: IncomingHttpHeaders;
  /** `Date.now()` when the request arrived. */
  time: number;
  /** Status the stand-in answered with. */
  status: number;
  /** JSON the stand-in answered with (`undefined` for 204). */
  response: unknown;
}

export interface ReceivedGatewayPayload {
  op: number;
  d: unknown;
  time: number;
}

export interface StandInRoles {
  everyone: string;
  moderator: string;
  /** The bot's managed integration role. */
  bot: string;
}

export interface StandInUsers {
  /** A member with only @everyone. Default invoker of commands and author of messages. */
  regular: APIUser;
  /** A member holding the moderator role. */
  moderator: APIUser;
}

/** Option values by name; types are taken from the registered command, else inferred from the JS type. */
export type SimpleOptionValues = Record<string, string | number | boolean>;

export interface SlashCommandInput {
  name: string;
  options?: APIApplicationCommandInteractionDataOption[] | SimpleOptionValues;
  /** With simple `options`: the subcommand they belong to (Discord nests them under it). */
  subcommand?: string;
  /** Invoking user; default `users.regular`. */
  user?: APIUser;
  /** Role ids of the invoking member; default the roles the stand-in's guild gives that user. */
  roles?: string[];
  /** Overrides the member's computed permissions (the `member.permissions` string Discord sends). */
  permissions?: bigint | string;
  channelId?: string;
  locale?: Locale;
  resolved?: APIInteractionDataResolved;
}

export interface SentInteraction {
  id: string;
  token: string;
  applicationId: string;
  commandId: string;
  /** `Date.now()` when the INTERACTION_CREATE left the stand-in — the 3 s ack deadline counts from here. */
  dispatchedAt: number;
  payload: APIChatInputApplicationCommandGuildInteraction;
}

export interface MessageInput {
  content: string;
  /** Default `users.regular`. */
  author?: APIUser;
  /** Mentioned users (objects or ids). Default: parsed from `<@id>` in `content`. */
  mentions?: Array<APIUser | string>;
  /** Role ids of the author; default their roles in the stand-in's guild. */
  roles?: string[];
  channelId?: string;
  /** Id of a message this one replies to. */
  replyTo?: string;
  /**
   * Whether the reply pings the replied-to author (Discord's client default: on), which puts them in `mentions`; a
   * bot without the Message Content intent then receives the text.
   */
  pingRepliedAuthor?: boolean;
  /** The replied-to message was deleted before this one reached the bot: `referenced_message` is null. */
  repliedToDeleted?: boolean;
}

export interface StartThreadInput {
  messageId: string;
  name: string;
  /** Default: the message's channel. */
  channelId?: string;
  /** Default `users.regular`. */
  user?: APIUser;
}

export interface ComponentClickInput {
  /** The message holding the component. */
  messageId: string;
  customId: string;
  /** Clicking user; default `users.regular`. */
  user?: APIUser;
  roles?: string[];
  permissions?: bigint | string;
}

export interface SentComponentInteraction {
  id: string;
  token: string;
  applicationId: string;
  dispatchedAt: number;
  payload: APIMessageComponentGuildInteraction;
}

/** What happened to an interaction, for assertions on the final state of a reply. */
export interface InteractionState {
  id: string;
  token: string;
  type: InteractionType;
  channelId: string | null;
  /** Invoking user (member.user in guilds). */
  user: APIUser | null;
  dispatchedAt: number;
  ack: { type: InteractionResponseType; at: number; ephemeral: boolean } | null;
  /** Id of the original response message (after a type 4 or 5 callback; for a component click, its message). */
  originalMessageId: string | null;
  /** The message whose component was clicked (component interactions only). */
  sourceMessageId: string | null;
  followUpIds: string[];
}

export interface DiscordStandIn {
  /** Pass as discord.js `rest.api`: `http://127.0.0.1:PORT/api`. */
  readonly apiUrl: string;
  /** `ws://127.0.0.1:PORT`, as returned by `GET /gateway/bot`. */
  readonly gatewayUrl: string;
  readonly applicationId: string;
  readonly botUser: APIUser;
  readonly guildId: string;
  readonly channelId: string;
  readonly roles: StandInRoles;
  readonly users: StandInUsers;
  /** Every REST request, in arrival order, including the ones answered with errors. */
  readonly requests: readonly RecordedRequest[];
  /** Every IDENTIFY payload (token, intents, properties...). */
  readonly identifies: readonly GatewayIdentifyData[];
  /** Every payload a client sent over the gateway (heartbeats, identify, resume...). */
  readonly gatewayReceived: readonly ReceivedGatewayPayload[];
  /** Discord's CDN for attachments (stand-in-attachments.ts), on 127.0.0.1. */
  readonly attachments: AttachmentHost;

  /** Resolves with the first request (from `fromIndex` on, already recorded or future) that matches. */
  waitForRequest(
    predicate: (request: RecordedRequest) => boolean,
    timeoutMs?: number,
    fromIndex?: number,
  ): Promise<RecordedRequest>;
  /**
   * Resolves once a client has IDENTIFIED and READY (+ GUILD_CREATE, if it asked for the Guilds intent) went out.
   * The client processes those asynchronously: await discord.js's `clientReady` event before relying on caches.
   */
  waitForReady(timeoutMs?: number): Promise<GatewayIdentifyData>;
  /** Sends a dispatch to every identified session whose shard and intents get it; returns how many sessions did. */
  dispatch(eventName: string, data: unknown): number;
  sendSlashCommand(input: SlashCommandInput): SentInteraction;
  /** A click on a component of a stored message; throws when Discord could not deliver it (no such component…). */
  sendComponentClick(input: ComponentClickInput): SentComponentInteraction;
  /** A member typing in an autocomplete option (interaction type 4); the bot must answer with choices (type 8). */
  sendAutocomplete(input: AutocompleteInput & Pick<SlashCommandInput, 'user' | 'roles' | 'permissions'>): Pick<SentInteraction, 'id' | 'token'>;
  /** The INTERACTION_CREATE payload of a click, unchecked and not sent: tests forge clicks from it. */
  componentClickPayload(input: ComponentClickInput): APIMessageComponentGuildInteraction;
  sendMessage(input: MessageInput): GatewayMessageCreateDispatchData;
  getInteraction(id: string): InteractionState | undefined;
  getMessage(id: string): APIMessage | undefined;
  /** A member starts a public thread from a message (Discord's "Create Thread"); throws where Discord would refuse. */
  startThread(input: StartThreadInput): APIThreadChannel;
  /** Id of the channel named `name` (`newsroom` or one of `extraChannels`); throws for an unknown name. */
  channelIdOf(name: string): string;
  /** Changes what the bot is denied in a channel (a server admin editing the overwrite); sends CHANNEL_UPDATE. */
  setBotDenied(channelName: string, permissions: bigint): void;
  /** Closes every gateway socket with `code` (default 4000, which discord.js answers with a RESUME). */
  closeGatewayConnections(code?: number): void;
  close(): Promise<void>;
}

export async function startDiscordStandIn(options: DiscordStandInOptions = {}): Promise<DiscordStandIn> {
  const standIn = new StandInServer(options);
  await standIn.listen();
  return standIn;
}

// ---------------------------------------------------------------------------------------------------------------
// Fixtures: ids, users, roles, the guild
// ---------------------------------------------------------------------------------------------------------------

const DISCORD_EPOCH = 1_420_070_400_000n;
let snowflakeIncrement = 0n;

/** Real-looking snowflakes, so discord.js's `createdTimestamp` getters give sensible values. */
function snowflake(at = Date.now()): string {
  snowflakeIncrement = (snowflakeIncrement + 1n) & 0xfffn;
  return (((BigInt(at) - DISCORD_EPOCH) << 22n) | snowflakeIncrement).toString();
}

const ALL_PERMISSIONS = Object.values(PermissionFlagsBits).reduce((all, bit) => all | bit, 0n);
const ALL_INTENTS = Object.values(GatewayIntentBits)
  .filter((bit): bit is number => typeof bit === 'number')
  .reduce((all, bit) => all | bit, 0);

/** Intents an application must have enabled in the developer portal before it may IDENTIFY with them. */
const PRIVILEGED_INTENTS =
  GatewayIntentBits.MessageContent | GatewayIntentBits.GuildMembers | GatewayIntentBits.GuildPresences;

const BASIC_TEXT_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.UseApplicationCommands;

const DEFAULT_MODERATOR_PERMISSIONS =
  BASIC_TEXT_PERMISSIONS |
  PermissionFlagsBits.ManageGuild |
  PermissionFlagsBits.ManageMessages |
  PermissionFlagsBits.ModerateMembers;

const DEFAULT_BOT_PERMISSIONS =
  BASIC_TEXT_PERMISSIONS |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.CreatePublicThreads |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.AddReactions |
  PermissionFlagsBits.UseExternalEmojis;

function makeUser(id: string, username: string, bot = false): APIUser {
  return {
    id,
    username,
    global_name: bot ? null : username,
    discriminator: bot ? '0001' : '0',
    avatar: null,
    bot,
    public_flags: 0 as UserFlags,
  };
}

function makeMember(user: APIUser, roles: string[], joinedAt: string): APIGuildMember {
  return {
    user,
    nick: null,
    avatar: null,
    roles,
    joined_at: joinedAt,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0 as GuildMemberFlags,
    pending: false,
    communication_disabled_until: null,
  };
}

function makeRole(id: string, name: string, permissions: bigint, position: number, botId?: string): APIRole {
  return {
    id,
    name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position,
    permissions: permissions.toString(),
    managed: botId !== undefined,
    mentionable: false,
    flags: 0 as RoleFlags,
    ...(botId !== undefined ? { tags: { bot_id: botId } } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Discord-style errors and validation
// ---------------------------------------------------------------------------------------------------------------

interface FieldError {
  code: string;
  message: string;
}

/** Discord's nested `errors` object: `{ embeds: { 0: { title: { _errors: [...] } } } }`. */
interface ErrorTree {
  [key: string]: ErrorTree | FieldError[] | undefined;
}

interface DiscordErrorBody {
  code: number;
  message: string;
  errors?: ErrorTree;
}

class FormErrors {
  readonly tree: ErrorTree = {};
  private count = 0;

  add(path: Array<string | number>, code: string, message: string): void {
    let node = this.tree;
    for (const key of path) node = (node[String(key)] ??= {}) as ErrorTree;
    ((node._errors ??= []) as FieldError[]).push({ code, message });
    this.count++;
  }

  get isEmpty(): boolean {
    return this.count === 0;
  }
}

/** Discord counts text limits in Unicode code points (an emoji is 1), not UTF-16 units. */
function textLength(value: unknown): number {
  return typeof value === 'string' ? [...value].length : 0;
}

function checkMaxLength(errors: FormErrors, path: Array<string | number>, value: unknown, max: number): void {
  if (textLength(value) > max) errors.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
}

function checkMaxCount(errors: FormErrors, path: Array<string | number>, value: unknown, max: number): void {
  if (Array.isArray(value) && value.length > max) errors.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
}

const EMBED_LIMITS = {
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  total: 6000,
};

/** The subset of a message create/edit body the stand-in looks at (REST bodies are untrusted `unknown`s). */
interface OutgoingMessageBody {
  content?: string | null;
  embeds?: APIEmbed[] | null;
  components?: unknown[] | null;
  attachments?: Array<{ id: string | number; filename?: string }> | null;
  flags?: number | null;
  tts?: boolean;
  allowed_mentions?: APIAllowedMentions | null;
  message_reference?: { message_id?: string; channel_id?: string; fail_if_not_exists?: boolean } | null;
  sticker_ids?: string[];
  poll?: unknown;
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function validateEmbeds(errors: FormErrors, path: Array<string | number>, embeds: unknown): void {
  if (!Array.isArray(embeds)) return;
  checkMaxCount(errors, path, embeds, 10);
  let total = 0;
  embeds.forEach((raw, i) => {
    const embed = asObject(raw) as APIEmbed;
    const at = [...path, i];
    checkMaxLength(errors, [...at, 'title'], embed.title, EMBED_LIMITS.title);
    checkMaxLength(errors, [...at, 'description'], embed.description, EMBED_LIMITS.description);
    checkMaxLength(errors, [...at, 'footer', 'text'], embed.footer?.text, EMBED_LIMITS.footer);
    checkMaxLength(errors, [...at, 'author', 'name'], embed.author?.name, EMBED_LIMITS.author);
    total += textLength(embed.title) + textLength(embed.description);
    total += textLength(embed.footer?.text) + textLength(embed.author?.name);
    const fields = Array.isArray(embed.fields) ? embed.fields : [];
    checkMaxCount(errors, [...at, 'fields'], fields, EMBED_LIMITS.fields);
    fields.forEach((field, j) => {
      for (const [key, max] of [['name', EMBED_LIMITS.fieldName], ['value', EMBED_LIMITS.fieldValue]] as const) {
        const value = field?.[key];
        if (typeof value !== 'string' || value.length === 0) {
          errors.add([...at, 'fields', j, key], 'BASE_TYPE_REQUIRED', 'This field is required');
        } else {
          checkMaxLength(errors, [...at, 'fields', j, key], value, max);
        }
        total += textLength(value);
      }
    });
  });
  if (total > EMBED_LIMITS.total) {
    errors.add(path, 'MAX_EMBED_SIZE_EXCEEDED', `Embed size exceeds maximum size of ${EMBED_LIMITS.total}`);
  }
}

type ErrorPath = Array<string | number>;

function validateAllowedMentions(errors: FormErrors, path: ErrorPath, allowed: APIAllowedMentions | null | undefined): void {
  if (!allowed) return;
  const parse = allowed.parse ?? [];
  // Discord refuses `parse: ['users']` together with an explicit `users` list (same for roles).
  for (const kind of [AllowedMentionsTypes.User, AllowedMentionsTypes.Role] as const) {
    if (parse.includes(kind) && (allowed[kind]?.length ?? 0) > 0) {
      const message = `parse:["${kind}"] and ${kind}: [ids] are mutually exclusive.`;
      errors.add([...path, kind], 'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE', message);
    }
    checkMaxCount(errors, [...path, kind], allowed[kind], 100);
  }
}

/** Field-level checks shared by creates and edits; `prefix` nests errors (interaction callbacks put them under `data`). */
function validateMessageFields(body: OutgoingMessageBody, prefix: Array<string | number> = []): FormErrors {
  const errors = new FormErrors();
  checkMaxLength(errors, [...prefix, 'content'], body.content, 2000);
  validateEmbeds(errors, [...prefix, 'embeds'], body.embeds);
  validateAllowedMentions(errors, [...prefix, 'allowed_mentions'], body.allowed_mentions);
  validateComponents(errors, [...prefix, 'components'], body.components, body.flags);
  return errors;
}

type MessageContentParts = Pick<APIMessage, 'content' | 'embeds' | 'attachments' | 'components'>;

function isEmptyMessage(message: MessageContentParts, extra: OutgoingMessageBody = {}): boolean {
  return (
    (message.content ?? '').trim() === '' &&
    (message.embeds?.length ?? 0) === 0 &&
    (message.attachments?.length ?? 0) === 0 &&
    (message.components?.length ?? 0) === 0 &&
    (extra.sticker_ids?.length ?? 0) === 0 &&
    extra.poll === undefined
  );
}

const COMMAND_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function validateName(errors: FormErrors, path: Array<string | number>, name: unknown): void {
  if (typeof name !== 'string' || !COMMAND_NAME.test(name) || name !== name.toLowerCase()) {
    errors.add([...path, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
  }
}

function validateDescription(errors: FormErrors, path: Array<string | number>, description: unknown): void {
  const length = textLength(description);
  if (length < 1 || length > 100) {
    errors.add([...path, 'description'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
  }
}

function validateCommandOptions(errors: FormErrors, path: Array<string | number>, options: unknown): void {
  if (options === undefined || options === null) return;
  if (!Array.isArray(options)) return errors.add(path, 'BASE_TYPE_ARRAY', 'Must be an array.');
  checkMaxCount(errors, path, options, 25);
  let sawOptional = false;
  const names = new Set<string>();
  options.forEach((raw, i) => {
    const option = asObject(raw);
    const at = [...path, i];
    validateName(errors, at, option.name);
    validateDescription(errors, at, option.description);
    if (typeof option.name === 'string') {
      if (names.has(option.name)) {
        errors.add([...at, 'name'], 'APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS', 'Option name already exists');
      }
      names.add(option.name);
    }
    if (option.required === true && sawOptional) {
      const message = 'Required options must be placed before non-required options';
      errors.add(at, 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', message);
    }
    if (option.required !== true) sawOptional = true;
    checkMaxCount(errors, [...at, 'choices'], option.choices, 25);
    validateCommandOptions(errors, [...at, 'options'], option.options);
  });
}

function validateCommands(commands: unknown): FormErrors {
  const errors = new FormErrors();
  if (!Array.isArray(commands)) {
    errors.add([], 'BASE_TYPE_ARRAY', 'Must be an array.');
    return errors;
  }
  checkMaxCount(errors, [], commands, 100);
  const seen = new Set<string>();
  commands.forEach((raw, i) => validateCommand(errors, [i], asObject(raw), seen));
  return errors;
}

function validateCommand(errors: FormErrors, path: ErrorPath, command: Record<string, unknown>, seen = new Set<string>()): void {
  const type = (command.type as number | undefined) ?? ApplicationCommandType.ChatInput;
  if (type === ApplicationCommandType.ChatInput) {
    validateName(errors, path, command.name);
    validateDescription(errors, path, command.description);
    validateCommandOptions(errors, [...path, 'options'], command.options);
  } else if (textLength(command.name) < 1 || textLength(command.name) > 32) {
    errors.add([...path, 'name'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 32 in length.');
  }
  const key = `${type}:${String(command.name)}`;
  if (seen.has(key)) {
    errors.add([...path, 'name'], 'APPLICATION_COMMANDS_DUPLICATE_NAME', 'Application command names must be unique');
  }
  seen.add(key);
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP plumbing
// ---------------------------------------------------------------------------------------------------------------

interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Runs after the response is written (gateway echoes of the bot's own messages). */
  after?: () => void;
}

const ok = (body: unknown, after?: () => void): RouteResult => ({ status: 200, body, after });
const noContent = (after?: () => void): RouteResult => ({ status: 204, after });

function discordError(status: number, code: number, message: string, errors?: ErrorTree): RouteResult {
  const body: DiscordErrorBody = { message, code };
  if (errors) body.errors = errors;
  return { status, body };
}

const invalidForm = (errors: FormErrors) => discordError(400, 50035, 'Invalid Form Body', errors.tree);
const unknownChannel = () => discordError(404, 10003, 'Unknown Channel');
const unknownMessage = () => discordError(404, 10008, 'Unknown Message');
const unknownWebhook = () => discordError(404, 10015, 'Unknown Webhook');
const unknownInteraction = () => discordError(404, 10062, 'Unknown interaction');
const emptyMessage = () => discordError(400, 50006, 'Cannot send an empty message');
const missingAccess = () => discordError(403, 50001, 'Missing Access');
const missingPermissions = () => discordError(403, 50013, 'Missing Permissions');
const invalidWebhookToken = () => discordError(401, 50027, 'Invalid Webhook Token');

function writeResponse(res: ServerResponse, result: RouteResult): void {
  const headers = result.headers ?? {};
  if (result.status === 204 || result.body === undefined) {
    // No Content-Type on 204: @discordjs/rest parses any `application/json` response as JSON and would throw.
    res.writeHead(result.status, headers).end();
    return;
  }
  const json = JSON.stringify(result.body);
  res
    .writeHead(result.status, { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(json) })
    .end(json);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

interface ParsedBody {
  body: unknown;
  files: RecordedFile[];
  invalidJson: boolean;
}

function parseBody(contentType: string | undefined, raw: Buffer): ParsedBody {
  if (raw.length === 0) return { body: undefined, files: [], invalidJson: false };
  const boundary = /multipart\/form-data;.*boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
  if (boundary) {
    const { fields, files } = parseMultipart(raw, boundary[1] ?? boundary[2]);
    const payload = fields.get('payload_json');
    if (payload === undefined) return { body: Object.fromEntries(fields), files, invalidJson: false };
    return { ...parseJson(payload), files };
  }
  return { ...parseJson(raw.toString('utf8')), files: [] };
}

function parseJson(text: string): { body: unknown; invalidJson: boolean } {
  try {
    return { body: JSON.parse(text), invalidJson: false };
  } catch {
    return { body: text, invalidJson: true };
  }
}

/** Minimal multipart/form-data reader: text fields as strings, file parts summarised (discord.js sends files this way). */
function parseMultipart(raw: Buffer, boundary: string): { fields: Map<string, string>; files: RecordedFile[] } {
  const fields = new Map<string, string>();
  const files: RecordedFile[] = [];
  const delimiter = Buffer.from(`--${boundary}`);
  let start = raw.indexOf(delimiter);
  while (start !== -1) {
    const partStart = start + delimiter.length;
    const end = raw.indexOf(delimiter, partStart);
    if (end === -1) break;
    // A part is "\r\n<headers>\r\n\r\n<content>\r\n" between two delimiters.
    const part = raw.subarray(partStart + 2, end - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd !== -1) {
      const headers = part.subarray(0, headerEnd).toString('utf8');
      const content = part.subarray(headerEnd + 4);
      const name = /name="([^"]*)"/i.exec(headers)?.[1] ?? '';
      const filename = /filename="([^"]*)"/i.exec(headers)?.[1];
      if (filename === undefined) {
        fields.set(name, content.toString('utf8'));
      } else {
        const contentType = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1] ?? 'application/octet-stream';
        files.push({ field: name, filename, contentType, size: content.length });
      }
    }
    start = end;
  }
  return { fields, files };
}

/** Recorded paths are decoded (`@original`, not `%40original`) so tests can compare them to plain strings. */
function decodePath(path: string): string {
  return path
    .split('/')
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    })
    .join('/');
}

type RouteHandler = (request: RecordedRequest, params: Record<string, string>) => RouteResult;

interface Route {
  method: string;
  /** `/channels/:channel/messages`: names the request body's schema. */
  template: string;
  pattern: RegExp;
  /** Needs `Authorization: Bot <token>` (interaction callbacks and webhook-token routes do not). */
  botAuth: boolean;
  handle: RouteHandler;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `/channels/:channel/messages` → regex with named groups. */
function routePattern(template: string): RegExp {
  const source = template
    .split('/')
    .map((segment) => (segment.startsWith(':') ? `(?<${segment.slice(1)}>[^/]+)` : escapeRegExp(segment)))
    .join('/');
  return new RegExp(`^${source}$`);
}

// ---------------------------------------------------------------------------------------------------------------
// Gateway plumbing
// ---------------------------------------------------------------------------------------------------------------

interface DispatchFrame {
  op: GatewayOpcodes.Dispatch;
  t: string;
  s: number;
  d: unknown;
}

interface GatewaySession {
  sessionId: string;
  /** [shard_id, num_shards] from IDENTIFY: which guilds' events this session gets (stand-in-shards.ts). */
  shard: ShardPair;
  intents: number;
  sequence: number;
  /** Every dispatch of the session, so a RESUME can replay what the client missed. */
  sent: DispatchFrame[];
  /** Current connection; null while the client is away (dispatches queue up for a RESUME). */
  socket: WebSocket | null;
}

interface GatewayConnection {
  socket: WebSocket;
  session: GatewaySession | null;
}

interface ReadyWaiter {
  resolve: (identify: GatewayIdentifyData) => void;
  timer: NodeJS.Timeout;
}

interface RequestWaiter {
  predicate: (request: RecordedRequest) => boolean;
  resolve: (request: RecordedRequest) => void;
  timer: NodeJS.Timeout;
}

/** Which intent a dispatch needs (only events a news bot plausibly uses). `undefined` = always delivered. */
function requiredIntent(event: string, data: Record<string, unknown>): number | undefined {
  const inGuild = typeof data.guild_id === 'string';
  const I = GatewayIntentBits;
  if (event.startsWith('MESSAGE_REACTION_')) return inGuild ? I.GuildMessageReactions : I.DirectMessageReactions;
  if (event.startsWith('MESSAGE_')) return inGuild ? I.GuildMessages : I.DirectMessages;
  if (event === 'TYPING_START') return inGuild ? I.GuildMessageTyping : I.DirectMessageTyping;
  if (event.startsWith('GUILD_MEMBER_')) return I.GuildMembers; // GUILD_MEMBERS_CHUNK does not match: no intent
  if (/^(GUILD_ROLE_|CHANNEL_|THREAD_)/.test(event)) return I.Guilds;
  if (event === 'GUILD_CREATE' || event === 'GUILD_UPDATE' || event === 'GUILD_DELETE') return I.Guilds;
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// The stand-in
// ---------------------------------------------------------------------------------------------------------------

/** Message flags an interaction response or follow-up may set; Loading is the stand-in's (cleared by the first edit). */
const SETTABLE_FLAGS =
  MessageFlags.Ephemeral | MessageFlags.SuppressEmbeds | MessageFlags.SuppressNotifications | MessageFlags.IsComponentsV2;
/**
 * What a channel message or an edit may set: EPHEMERAL exists only for interaction responses, and a message's
 * visibility never changes, so Discord ignores the flag there.
 */
const CHANNEL_AND_EDIT_FLAGS = SETTABLE_FLAGS & ~MessageFlags.Ephemeral;

interface Mentions {
  users: APIUser[];
  roles: string[];
  everyone: boolean;
}

interface StoredMessage {
  message: APIMessage;
  ephemeral: boolean;
  interactionId: string | null;
}

class StandInServer implements DiscordStandIn {
  apiUrl = '';
  gatewayUrl = '';
  readonly applicationId = snowflake();
  readonly botUser: APIUser;
  readonly guildId = snowflake();
  readonly channelId = snowflake();
  readonly roles: StandInRoles;
  readonly users: StandInUsers;
  readonly requests: RecordedRequest[] = [];
  readonly identifies: GatewayIdentifyData[] = [];
  readonly gatewayReceived: ReceivedGatewayPayload[] = [];

  private readonly options: Required<Omit<DiscordStandInOptions, 'token'>> & { token?: string };
  readonly attachments = new AttachmentHost();
  private readonly http = createServer((req, res) => void this.onHttpRequest(req, res));
  private readonly wss = new WebSocketServer({ server: this.http });
  private readonly sockets = new Set<WebSocket>();
  private readonly sessions = new Map<string, GatewaySession>();
  private readonly requestWaiters = new Set<RequestWaiter>();
  private readonly readyWaiters = new Set<ReadyWaiter>();
  private readonly readyIdentifies: GatewayIdentifyData[] = [];
  private readonly routes: Route[];
  private closed = false;

  // World state.
  private readonly joinedAt = new Date().toISOString();
  private readonly knownUsers = new Map<string, APIUser>();
  private readonly members = new Map<string, APIGuildMember>();
  private readonly roleList: APIRole[];
  private readonly channels = new Map<string, APITextChannel>();
  private readonly messages = new Map<string, StoredMessage>();
  private readonly interactions = new Map<string, InteractionState>();
  /** Registered commands by scope (`global` or a guild id), keyed by `type:name` to keep ids stable across PUTs. */
  private readonly commands = new Map<string, Map<string, APIApplicationCommand>>();
  private readonly rateLimits: RateLimits;

  constructor(options: DiscordStandInOptions) {
    this.options = {
      heartbeatIntervalMs: 41_250,
      interactionAckTimeoutMs: 3_000,
      privilegedIntents: 0,
      interactionTokenLifetimeMs: 15 * 60_000,
      rateLimits: [],
      extraChannels: [],
      channelTypes: {},
      botDeniedInChannel: {},
      everyonePermissions: 0n,
      moderatorPermissions: DEFAULT_MODERATOR_PERMISSIONS,
      botPermissions: DEFAULT_BOT_PERMISSIONS,
      echoBotMessages: true,
      recommendedShards: 1,
      // Skip explicit `undefined`s so they don't overwrite the defaults.
      ...Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)),
    };
    this.botUser = makeUser(this.applicationId, 'Newsdesk', true);
    this.users = { regular: makeUser(snowflake(), 'reader'), moderator: makeUser(snowflake(), 'editor') };
    this.roles = { everyone: this.guildId, moderator: snowflake(), bot: snowflake() };
    this.roleList = [
      makeRole(this.roles.everyone, '@everyone', this.options.everyonePermissions, 0),
      makeRole(this.roles.moderator, 'Moderator', this.options.moderatorPermissions, 1),
      makeRole(this.roles.bot, 'Newsdesk', this.options.botPermissions, 2, this.botUser.id),
    ];
    this.addMember(this.botUser, [this.roles.bot]);
    this.addMember(this.users.regular, []);
    this.addMember(this.users.moderator, [this.roles.moderator]);
    this.addChannel(this.channelId, 'newsroom', 0);
    this.options.extraChannels.forEach((name, i) => this.addChannel(snowflake(), name, i + 1));
    for (const name of Object.keys(this.options.botDeniedInChannel)) this.channelIdOf(name); // typos fail loudly
    this.rateLimits = new RateLimits(this.options.rateLimits);
    this.routes = this.buildRoutes();
    this.wss.on('connection', (socket) => this.onGatewayConnection(socket));
  }

  async listen(): Promise<void> {
    await this.attachments.listen();
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = this.http.address() as AddressInfo;
    this.apiUrl = `http://127.0.0.1:${port}/api`;
    this.gatewayUrl = `ws://127.0.0.1:${port}`;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Pending waits are dropped, not rejected: their test has already failed or finished, and a rejection
    // nobody awaits would surface as an unrelated "unhandled rejection".
    for (const waiter of this.requestWaiters) clearTimeout(waiter.timer);
    for (const waiter of this.readyWaiters) clearTimeout(waiter.timer);
    this.requestWaiters.clear();
    this.readyWaiters.clear();
    for (const socket of this.sockets) socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    // discord.js's HTTP agent keeps connections alive; drop them or `close` waits for their idle timeout.
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
    await this.attachments.close();
  }

  // ----- waiting ------------------------------------------------------------------------------------------------

  waitForRequest(
    predicate: (request: RecordedRequest) => boolean,
    timeoutMs = 2_000,
    fromIndex = 0,
  ): Promise<RecordedRequest> {
    const existing = this.requests.slice(fromIndex).find(predicate);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const waiter: RequestWaiter = {
        predicate,
        resolve,
        timer: setTimeout(() => {
          this.requestWaiters.delete(waiter);
          const seen = this.requests.map((r) => `  ${r.method} ${r.path} → ${r.status}`).join('\n') || '  (none)';
          reject(new Error(`waitForRequest: no matching request within ${timeoutMs} ms. Requests so far:\n${seen}`));
        }, timeoutMs),
      };
      this.requestWaiters.add(waiter);
    });
  }

  waitForReady(timeoutMs = 5_000): Promise<GatewayIdentifyData> {
    const [first] = this.readyIdentifies;
    if (first) return Promise.resolve(first);
    return new Promise((resolve, reject) => {
      const waiter: ReadyWaiter = {
        resolve,
        timer: setTimeout(() => {
          this.readyWaiters.delete(waiter);
          const identifies = this.identifies.length;
          reject(new Error(`waitForReady: no client identified within ${timeoutMs} ms (IDENTIFY payloads: ${identifies})`));
        }, timeoutMs),
      };
      this.readyWaiters.add(waiter);
    });
  }

  private recordRequest(request: RecordedRequest): void {
    this.requests.push(request);
    for (const waiter of this.requestWaiters) {
      if (!waiter.predicate(request)) continue;
      clearTimeout(waiter.timer);
      this.requestWaiters.delete(waiter);
      waiter.resolve(request);
    }
  }

  // ----- inspection ---------------------------------------------------------------------------------------------

  getInteraction(id: string): InteractionState | undefined {
    return this.interactions.get(id);
  }

  getMessage(id: string): APIMessage | undefined {
    return this.messages.get(id)?.message;
  }

  // ----- fixtures -----------------------------------------------------------------------------------------------

  /** Threads and history (stand-in-threads.ts) see the stand-in's state through this. */
  private get threadWorld(): threads.ThreadWorld {
    return {
      guildId: this.guildId,
      botUser: this.botUser,
      channels: this.channels,
      messages: this.messages,
      botPermissionsIn: (id) => this.botPermissionsIn(id),
      newMessage: (channelId, author) => this.baseMessage(channelId, author),
      broadcast: (event, data) => this.sessions.size > 0 && !this.closed && this.dispatch(event, data),
    };
  }

  startThread(input: StartThreadInput): APIThreadChannel {
    const channelId = input.channelId ?? this.messages.get(input.messageId)?.message.channel_id ?? this.channelId;
    const result = threads.startThreadFromMessage(this.threadWorld, channelId, input.messageId, { name: input.name }, input.user ?? this.users.regular, false);
    if (result.status !== 201) throw new Error(`startThread: ${JSON.stringify(result.body)}`);
    result.after?.();
    return result.body as APIThreadChannel;
  }

  channelIdOf(name: string): string {
    const channel = [...this.channels.values()].find((c) => c.name === name);
    if (!channel) throw new Error(`channelIdOf: no channel named ${name}`);
    return channel.id;
  }

  setBotDenied(channelName: string, permissions: bigint): void {
    const channel = this.channels.get(this.channelIdOf(channelName))!;
    channel.permission_overwrites = this.botOverwrites(permissions);
    if (this.sessions.size > 0) this.dispatch(GatewayDispatchEvents.ChannelUpdate, channel);
  }

  private botOverwrites(denied: bigint): APIOverwrite[] {
    return denied === 0n ? [] : [{ id: this.roles.bot, type: OverwriteType.Role, allow: '0', deny: denied.toString() }];
  }

  private addChannel(id: string, name: string, position: number): void {
    const text: APITextChannel = {
      id,
      type: ChannelType.GuildText,
      guild_id: this.guildId,
      name,
      position,
      permission_overwrites: this.botOverwrites(this.options.botDeniedInChannel[name] ?? 0n),
      parent_id: null,
      nsfw: false,
      topic: null,
      last_message_id: null,
      rate_limit_per_user: 0,
      flags: 0 as ChannelFlags,
    };
    this.channels.set(id, channelOfType(text, this.options.channelTypes[name] ?? ChannelType.GuildText));
  }

  /** Discord's order: @everyone and role permissions, then the channel's @everyone, role and member overwrites. */
  private permissionsIn(channelId: string, userId: string, roleIds: string[]): bigint {
    const base = this.permissionsFor(roleIds);
    if (base & PermissionFlagsBits.Administrator) return base;
    const overwrites = this.channels.get(threads.overwriteSourceId(this.channels, channelId))?.permission_overwrites ?? [];
    const apply = (permissions: bigint, overwrite: APIOverwrite | undefined) =>
      overwrite ? (permissions & ~BigInt(overwrite.deny)) | BigInt(overwrite.allow) : permissions;
    let permissions = apply(base, overwrites.find((o) => o.id === this.guildId));
    let roleDeny = 0n;
    let roleAllow = 0n;
    for (const overwrite of overwrites) {
      if (overwrite.type !== OverwriteType.Role || overwrite.id === this.guildId || !roleIds.includes(overwrite.id)) continue;
      roleDeny |= BigInt(overwrite.deny);
      roleAllow |= BigInt(overwrite.allow);
    }
    permissions = (permissions & ~roleDeny) | roleAllow;
    return apply(permissions, overwrites.find((o) => o.type === OverwriteType.Member && o.id === userId));
  }

  private botPermissionsIn(channelId: string): bigint {
    return this.permissionsIn(channelId, this.botUser.id, this.members.get(this.botUser.id)?.roles ?? []);
  }

  /** 50001 without View Channel, 50013 without any of `needed`, as Discord answers a bot in a locked channel. */
  private botLacks(channelId: string, needed: bigint): RouteResult | null {
    const permissions = this.botPermissionsIn(channelId);
    if ((permissions & PermissionFlagsBits.ViewChannel) === 0n) return missingAccess();
    return (permissions & needed) === needed ? null : missingPermissions();
  }

  private addMember(user: APIUser, roles: string[]): APIGuildMember {
    this.knownUsers.set(user.id, user);
    const member = makeMember(user, roles, this.joinedAt);
    this.members.set(user.id, member);
    return member;
  }

  /** Member object for a user, registering unknown users as role-less members. */
  private memberFor(user: APIUser, roles?: string[]): APIGuildMember {
    const existing = this.members.get(user.id);
    const member = existing ?? this.addMember(user, roles ?? []);
    return roles ? { ...member, roles } : member;
  }

  private permissionsFor(roleIds: string[]): bigint {
    let permissions = this.options.everyonePermissions;
    for (const role of this.roleList) if (roleIds.includes(role.id)) permissions |= BigInt(role.permissions);
    return permissions & PermissionFlagsBits.Administrator ? ALL_PERMISSIONS : permissions;
  }

  private guildCreatePayload(): GatewayGuildCreateDispatchData {
    const members = [...this.members.values()];
    return {
      id: this.guildId,
      name: 'Newsdesk Test Guild',
      icon: null,
      splash: null,
      discovery_splash: null,
      owner_id: this.users.moderator.id,
      region: 'us-east',
      afk_channel_id: null,
      afk_timeout: 300,
      widget_enabled: false,
      verification_level: 0,
      default_message_notifications: 1,
      explicit_content_filter: 0,
      roles: this.roleList,
      emojis: [],
      stickers: [],
      features: [],
      mfa_level: 0,
      application_id: null,
      system_channel_id: null,
      system_channel_flags: 0 as GuildSystemChannelFlags,
      rules_channel_id: null,
      vanity_url_code: null,
      description: null,
      banner: null,
      premium_tier: 0,
      premium_subscription_count: 0,
      preferred_locale: Locale.EnglishUS,
      public_updates_channel_id: null,
      max_video_channel_users: 25,
      max_stage_video_channel_users: 50,
      nsfw_level: 0,
      premium_progress_bar_enabled: false,
      safety_alerts_channel_id: null,
      hub_type: null,
      incidents_data: null,
      joined_at: this.joinedAt,
      large: false,
      unavailable: false,
      member_count: members.length,
      voice_states: [],
      members,
      channels: threads.guildChannels(this.channels.values()),
      threads: threads.activeThreads(this.channels.values()) as unknown as GatewayGuildCreateDispatchData['threads'],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  // ----- gateway ------------------------------------------------------------------------------------------------

  private onGatewayConnection(socket: WebSocket): void {
    this.sockets.add(socket);
    const connection: GatewayConnection = { socket, session: null };
    socket.on('message', (raw, isBinary) => this.onGatewayMessage(connection, raw, isBinary));
    socket.on('close', (code) => this.onGatewayClose(connection, code));
    socket.on('error', () => undefined); // a client vanishing mid-frame must not crash the test process
    const hello = { heartbeat_interval: this.options.heartbeatIntervalMs };
    this.sendFrame(socket, { op: GatewayOpcodes.Hello, d: hello, s: null, t: null });
  }

  private sendFrame(socket: WebSocket | null, frame: object): void {
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
  }

  private onGatewayMessage(connection: GatewayConnection, raw: RawData, isBinary: boolean): void {
    let payload: { op?: unknown; d?: unknown };
    try {
      // discord.js only sends ETF when asked to and never compresses what it sends: JSON text is all we accept.
      if (isBinary) throw new Error('binary frame');
      payload = JSON.parse(raw.toString()) as { op?: unknown; d?: unknown };
    } catch {
      connection.socket.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
      return;
    }
    this.gatewayReceived.push({ op: Number(payload.op), d: payload.d, time: Date.now() });
    switch (payload.op) {
      case GatewayOpcodes.Heartbeat:
        return this.sendFrame(connection.socket, { op: GatewayOpcodes.HeartbeatAck });
      case GatewayOpcodes.Identify:
        return this.onIdentify(connection, payload.d as GatewayIdentifyData);
      case GatewayOpcodes.Resume:
        return this.onResume(connection, payload.d as GatewayResumeData);
      case GatewayOpcodes.RequestGuildMembers:
        return this.onRequestGuildMembers(connection, asObject(payload.d));
      case GatewayOpcodes.PresenceUpdate:
      case GatewayOpcodes.VoiceStateUpdate:
        if (!connection.session) connection.socket.close(GatewayCloseCodes.NotAuthenticated, 'Not authenticated.');
        return; // recorded above; nothing to answer
      default:
        connection.socket.close(GatewayCloseCodes.UnknownOpcode, 'Unknown opcode.');
    }
  }

  private tokenMatches(token: unknown): boolean {
    if (typeof token !== 'string' || token.length === 0) return false;
    return this.options.token === undefined || token === this.options.token;
  }

  private onIdentify(connection: GatewayConnection, identify: GatewayIdentifyData): void {
    this.identifies.push(identify);
    const { socket } = connection;
    if (connection.session) return socket.close(GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated.');
    if (!this.tokenMatches(identify?.token)) {
      return socket.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
    }
    const intents = identify.intents;
    if (typeof intents !== 'number' || (intents & ~ALL_INTENTS) !== 0) {
      return socket.close(GatewayCloseCodes.InvalidIntents, 'Invalid intent(s).');
    }
    if (intents & PRIVILEGED_INTENTS & ~this.options.privilegedIntents) {
      return socket.close(GatewayCloseCodes.DisallowedIntents, 'Disallowed intent(s).');
    }
    const shard = identifiedShard(identify.shard);
    if (!shard) return socket.close(GatewayCloseCodes.InvalidShard, 'Invalid shard.');
    const ownsGuild = shardReceives(shard, { guild_id: this.guildId });

    const session: GatewaySession = { sessionId: randomBytes(16).toString('hex'), shard, intents, sequence: 0, sent: [], socket };
    this.sessions.set(session.sessionId, session);
    connection.session = session;

    const ready: GatewayReadyDispatchData = {
      v: 10,
      user: this.botUser,
      guilds: ownsGuild ? [{ id: this.guildId, unavailable: true }] : [],
      session_id: session.sessionId,
      // discord.js reconnects (RESUMEs) to this URL, so it must point back here too.
      resume_gateway_url: this.gatewayUrl,
      shard: [...shard],
      application: { id: this.applicationId, flags: this.applicationFlags(), flags_new: String(this.applicationFlags()) },
    };
    this.sendDispatch(session, GatewayDispatchEvents.Ready, ready);
    // Without the Guilds intent Discord sends no GUILD_CREATE (discord.js then gives up waiting at once).
    if (intents & GatewayIntentBits.Guilds && ownsGuild) {
      this.sendDispatch(session, GatewayDispatchEvents.GuildCreate, this.guildCreatePayload());
    }

    this.readyIdentifies.push(identify);
    for (const waiter of this.readyWaiters) {
      clearTimeout(waiter.timer);
      waiter.resolve(identify);
    }
    this.readyWaiters.clear();
  }

  private applicationFlags(): number {
    const limited: Array<[number, ApplicationFlags]> = [
      [GatewayIntentBits.MessageContent, ApplicationFlags.GatewayMessageContentLimited],
      [GatewayIntentBits.GuildMembers, ApplicationFlags.GatewayGuildMembersLimited],
      [GatewayIntentBits.GuildPresences, ApplicationFlags.GatewayPresenceLimited],
    ];
    return limited.reduce((flags, [intent, flag]) => (intent & this.options.privilegedIntents ? flags | flag : flags), 0);
  }

  private onResume(connection: GatewayConnection, resume: GatewayResumeData): void {
    const session = this.sessions.get(resume?.session_id);
    if (!session || !this.tokenMatches(resume.token)) {
      // op 9 with d=false: "re-IDENTIFY", which is what Discord answers for a stale session.
      this.sendFrame(connection.socket, { op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null });
      return;
    }
    if (session.socket && session.socket !== connection.socket) session.socket.close(GatewayCloseCodes.SessionTimedOut);
    session.socket = connection.socket;
    connection.session = session;
    for (const frame of session.sent) if (frame.s > resume.seq) this.sendFrame(connection.socket, frame);
    this.sendDispatch(session, GatewayDispatchEvents.Resumed, {});
  }

  private onRequestGuildMembers(connection: GatewayConnection, request: Record<string, unknown>): void {
    if (!connection.session) return connection.socket.close(GatewayCloseCodes.NotAuthenticated, 'Not authenticated.');
    const { user_ids: userIds } = request;
    const ids = typeof userIds === 'string' ? [userIds] : Array.isArray(userIds) ? userIds.map(String) : null;
    const query = typeof request.query === 'string' ? request.query.toLowerCase() : '';
    const members = [...this.members.values()].filter((m) =>
      ids ? ids.includes(m.user.id) : m.user.username.toLowerCase().startsWith(query),
    );
    this.sendDispatch(connection.session, GatewayDispatchEvents.GuildMembersChunk, {
      guild_id: this.guildId,
      members,
      chunk_index: 0,
      chunk_count: 1,
      not_found: ids ? ids.filter((id) => !this.members.has(id)) : [],
      ...(request.nonce !== undefined ? { nonce: request.nonce } : {}),
    });
  }

  private onGatewayClose(connection: GatewayConnection, code: number): void {
    this.sockets.delete(connection.socket);
    const { session } = connection;
    if (!session || session.socket !== connection.socket) return;
    session.socket = null;
    // Discord invalidates a session the client closed with 1000/1001; other codes leave it resumable.
    if (code === 1000 || code === 1001) this.sessions.delete(session.sessionId);
  }

  private sendDispatch(session: GatewaySession, event: string, data: unknown): void {
    session.sequence += 1;
    const frame: DispatchFrame = { op: GatewayOpcodes.Dispatch, t: event, s: session.sequence, d: data };
    session.sent.push(frame);
    this.sendFrame(session.socket, frame);
  }

  closeGatewayConnections(code = 4000): void {
    for (const socket of this.sockets) socket.close(code, 'Closed by the stand-in');
  }

  dispatch(eventName: string, data: unknown): number {
    if (this.closed) throw new Error(`dispatch(${eventName}): the stand-in is closed`);
    if (this.sessions.size === 0) {
      throw new Error(`dispatch(${eventName}): no client has identified yet; await waitForReady() first`);
    }
    if (eventName === GatewayDispatchEvents.InteractionCreate) this.trackInteraction(asObject(data));
    let delivered = 0;
    for (const session of this.sessions.values()) {
      if (!shardReceives(session.shard, data)) continue;
      const payload = this.filterForIntents(session.intents, eventName, data);
      if (payload === undefined) continue;
      this.sendDispatch(session, eventName, payload);
      delivered++;
    }
    return delivered;
  }

  /** What a session with these intents receives: nothing, the data, or (messages) the data without content. */
  private filterForIntents(intents: number, event: string, data: unknown): unknown {
    const record = asObject(data);
    const intent = requiredIntent(event, record);
    if (intent !== undefined && (intents & intent) === 0) return undefined;
    const isMessage = event === GatewayDispatchEvents.MessageCreate || event === GatewayDispatchEvents.MessageUpdate;
    if (!isMessage || intents & GatewayIntentBits.MessageContent) return data;
    // Without MESSAGE_CONTENT, Discord blanks content except in DMs, the bot's own messages, and mentions of the bot.
    const authorId = asObject(record.author).id;
    const mentions = Array.isArray(record.mentions) ? record.mentions : [];
    const mentionsBot = mentions.some((user) => asObject(user).id === this.botUser.id);
    if (record.guild_id === undefined || authorId === this.botUser.id || mentionsBot) return data;
    return { ...record, content: '', embeds: [], attachments: [], components: [] };
  }

  // ----- injected events ----------------------------------------------------------------------------------------

  private trackInteraction(data: Record<string, unknown>): InteractionState {
    const state: InteractionState = {
      id: String(data.id),
      token: String(data.token),
      type: Number(data.type) as InteractionType,
      channelId: typeof data.channel_id === 'string' ? data.channel_id : null,
      user: (asObject(data.member).user ?? data.user ?? null) as APIUser | null,
      dispatchedAt: Date.now(),
      ack: null,
      originalMessageId: null,
      sourceMessageId: typeof asObject(data.message).id === 'string' ? String(asObject(data.message).id) : null,
      followUpIds: [],
    };
    this.interactions.set(state.id, state);
    return state;
  }

  private findCommand(name: string): APIApplicationCommand | undefined {
    for (const scope of [this.guildId, 'global']) {
      const found = this.commands.get(scope)?.get(`${ApplicationCommandType.ChatInput}:${name}`);
      if (found) return found;
    }
    return undefined;
  }

  private toInteractionOptions(
    options: SlashCommandInput['options'],
    command: APIApplicationCommand | undefined,
    subcommand?: string,
  ): APIApplicationCommandInteractionDataOption[] {
    if (Array.isArray(options)) return options;
    const declaredList = declaredOptions(command, subcommand);
    return inSubcommand(subcommand, Object.entries(options ?? {}).map(([name, value]): APIApplicationCommandInteractionDataOption => {
      const channel = channelOptionValue(name, value, declaredList?.find((o) => o.name === name));
      if (channel) return channel;
      const declared = declaredList?.find((o) => o.name === name)?.type;
      if (declared === ApplicationCommandOptionType.Attachment) return { name, type: declared, value: String(value) };
      if (typeof value === 'boolean') return { name, type: ApplicationCommandOptionType.Boolean, value };
      if (typeof value === 'number') {
        const integer =
          declared === ApplicationCommandOptionType.Integer || (declared === undefined && Number.isInteger(value));
        return { name, type: integer ? ApplicationCommandOptionType.Integer : ApplicationCommandOptionType.Number, value };
      }
      return { name, type: ApplicationCommandOptionType.String, value };
    }));
  }

  /** What every guild interaction carries besides its type and data: ids, token, where, who, with which rights. */
  private interactionEnvelope(input: Omit<SlashCommandInput, 'name' | 'options' | 'resolved'>, caller: string) {
    const user = input.user ?? this.users.regular;
    const member = this.memberFor(user, input.roles);
    const channel = this.channels.get(input.channelId ?? this.channelId);
    if (!channel) throw new Error(`${caller}: unknown channel ${input.channelId}`);
    // Discord sends the member's permissions in the channel, and only a member who can see a channel can use it. The
    // stand-in's @everyone grants nothing (so what the bot may do is exactly `botPermissions`): members who interact
    // are given what seeing and using the channel takes, on top of their roles.
    const permissions = input.permissions ?? this.permissionsFor(member.roles) | MEMBER_IN_CHANNEL;
    const id = snowflake();
    // Real tokens are base64url of "interaction:<id>:<secret>" — URL-safe, no colons.
    const token = Buffer.from(`interaction:${id}:${randomBytes(48).toString('base64url')}`).toString('base64url');
    return {
      id,
      application_id: this.applicationId,
      token,
      version: 1 as const,
      guild_id: this.guildId,
      guild: { id: this.guildId, locale: Locale.EnglishUS, features: [] },
      channel_id: channel.id,
      channel,
      member: { ...member, permissions: permissions.toString() },
      app_permissions: this.botPermissionsIn(channel.id).toString(),
      locale: input.locale ?? Locale.EnglishUS,
      guild_locale: Locale.EnglishUS,
      entitlements: [],
      authorizing_integration_owners: { '0': this.guildId },
      context: 0 as const,
      attachment_size_limit: 10 * 1024 * 1024,
    };
  }

  sendSlashCommand(input: SlashCommandInput): SentInteraction {
    const command = this.findCommand(input.name);
    const commandId = command?.id ?? snowflake();
    const options = this.toInteractionOptions(input.options, command, input.subcommand);
    const invoker = this.memberFor(input.user ?? this.users.regular, input.roles);
    const resolved =
      input.resolved ??
      resolvedChannels(options, (id) => {
        const channel = this.channels.get(id);
        return channel && { channel, permissions: this.permissionsIn(id, invoker.user.id, invoker.roles) };
      });
    const payload: APIChatInputApplicationCommandGuildInteraction = {
      ...this.interactionEnvelope(input, 'sendSlashCommand'),
      type: InteractionType.ApplicationCommand,
      data: {
        id: commandId,
        name: input.name,
        type: ApplicationCommandType.ChatInput,
        options,
        ...(command?.guild_id ? { guild_id: command.guild_id } : {}),
        ...(resolved ? { resolved } : {}),
      },
    };
    this.dispatch(GatewayDispatchEvents.InteractionCreate, payload);
    const { id, token } = payload;
    const dispatchedAt = this.interactions.get(id)?.dispatchedAt ?? Date.now();
    return { id, token, applicationId: this.applicationId, commandId, dispatchedAt, payload };
  }

  sendAutocomplete(input: AutocompleteInput & Pick<SlashCommandInput, 'user' | 'roles' | 'permissions'>): Pick<SentInteraction, 'id' | 'token'> {
    const data = autocompleteData(this.findCommand(input.name), input);
    const payload = { ...this.interactionEnvelope(input, 'sendAutocomplete'), type: InteractionType.ApplicationCommandAutocomplete, data };
    this.dispatch(GatewayDispatchEvents.InteractionCreate, payload);
    return { id: payload.id, token: payload.token };
  }

  componentClickPayload(input: ComponentClickInput): APIMessageComponentGuildInteraction {
    const stored = this.messages.get(input.messageId);
    if (!stored) throw new Error(`componentClickPayload: unknown message ${input.messageId}`);
    const envelope = this.interactionEnvelope({ ...input, channelId: stored.message.channel_id }, 'componentClickPayload');
    return {
      ...envelope,
      type: InteractionType.MessageComponent,
      message: stored.message,
      data: { custom_id: input.customId, component_type: ComponentType.Button },
    };
  }

  sendComponentClick(input: ComponentClickInput): SentComponentInteraction {
    const stored = this.messages.get(input.messageId);
    if (!stored) throw new Error(`sendComponentClick: unknown message ${input.messageId}`);
    const user = input.user ?? this.users.regular;
    const recipient = stored.ephemeral && stored.interactionId ? (this.interactions.get(stored.interactionId)?.user?.id ?? null) : null;
    const refusal = clickRefusal(stored.message, input.customId, recipient, user.id);
    if (refusal) throw new Error(`sendComponentClick: Discord would not deliver this click: ${refusal}`);
    const payload = this.componentClickPayload(input);
    this.dispatch(GatewayDispatchEvents.InteractionCreate, payload);
    const dispatchedAt = this.interactions.get(payload.id)?.dispatchedAt ?? Date.now();
    return { id: payload.id, token: payload.token, applicationId: this.applicationId, dispatchedAt, payload };
  }

  sendMessage(input: MessageInput): GatewayMessageCreateDispatchData {
    const author = input.author ?? this.users.regular;
    const channelId = input.channelId ?? this.channelId;
    if (!this.channels.has(channelId)) throw new Error(`sendMessage: unknown channel ${channelId}`);
    const member = this.memberFor(author, input.roles);
    const mentioned = input.mentions
      ? input.mentions.map((m) => (typeof m === 'string' ? this.knownUsers.get(m) ?? makeUser(m, `user-${m}`) : m))
      : this.mentionsIn(input.content, undefined).users;
    const replied = input.replyTo ? this.messages.get(input.replyTo)?.message : undefined;
    if (input.replyTo && !replied && !input.repliedToDeleted) throw new Error(`sendMessage: unknown message ${input.replyTo} to reply to`);
    const pinged = replied && input.pingRepliedAuthor !== false && !mentioned.some((u) => u.id === replied.author.id) ? [replied.author] : [];
    const message: APIMessage = {
      ...this.baseMessage(channelId, author),
      content: input.content,
      type: replied || input.replyTo ? MessageType.Reply : MessageType.Default,
      mentions: [...mentioned, ...pinged],
      mention_roles: this.mentionsIn(input.content, undefined).roles,
      mention_everyone: /@(everyone|here)/.test(input.content),
      ...(replied ? this.replyFields(replied) : {}),
      ...(input.replyTo && !replied ? threads.replyToDeletedFields(input.replyTo, channelId, this.guildId) : {}),
    };
    this.messages.set(message.id, { message, ephemeral: false, interactionId: null });
    const gatewayMessage = this.toGatewayMessage(message, member);
    this.dispatch(GatewayDispatchEvents.MessageCreate, gatewayMessage);
    return gatewayMessage;
  }

  /** MESSAGE_CREATE carries guild_id, the author's member (without user) and members of mentioned users. */
  private toGatewayMessage(message: APIMessage, authorMember?: APIGuildMember): GatewayMessageCreateDispatchData {
    const { user: _author, ...member } = authorMember ?? this.memberFor(message.author);
    return {
      ...message,
      guild_id: this.guildId,
      member,
      mentions: message.mentions.map((user) => {
        const mentionedMember = this.members.get(user.id);
        if (!mentionedMember) return user;
        const { user: _mentioned, ...partial } = mentionedMember;
        return { ...user, member: partial };
      }),
    };
  }

  // ----- messages -----------------------------------------------------------------------------------------------

  private baseMessage(channelId: string, author: APIUser): APIMessage {
    return {
      id: snowflake(),
      channel_id: channelId,
      author,
      content: '',
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: [],
      pinned: false,
      type: MessageType.Default,
      flags: 0 as MessageFlags,
      components: [],
    };
  }

  private replyFields(repliedTo: APIMessage): Pick<APIMessage, 'type' | 'message_reference' | 'referenced_message'> {
    return {
      type: MessageType.Reply,
      message_reference: { type: 0, message_id: repliedTo.id, channel_id: repliedTo.channel_id, guild_id: this.guildId },
      referenced_message: repliedTo,
    };
  }

  /** Who a message pings, honouring `allowed_mentions` the way Discord does (absent = everything in the text). */
  private mentionsIn(content: string, allowed: APIAllowedMentions | null | undefined): Mentions {
    const userIds = [...content.matchAll(/<@!?(\d+)>/g)].map((m) => m[1]);
    const roleIds = [...content.matchAll(/<@&(\d+)>/g)].map((m) => m[1]);
    const parse = allowed?.parse;
    const parses = (kind: AllowedMentionsTypes) => !allowed || (parse?.includes(kind) ?? false);
    const userAllowed = (id: string) => parses(AllowedMentionsTypes.User) || (allowed?.users ?? []).includes(id);
    const roleAllowed = (id: string) => parses(AllowedMentionsTypes.Role) || (allowed?.roles ?? []).includes(id);
    return {
      users: [...new Set(userIds)].filter(userAllowed).flatMap((id) => this.knownUsers.get(id) ?? []),
      roles: [...new Set(roleIds)].filter((id) => roleAllowed(id) && this.roleList.some((r) => r.id === id)),
      everyone: /@(everyone|here)/.test(content) && parses(AllowedMentionsTypes.Everyone),
    };
  }

  private normaliseEmbeds(embeds: APIEmbed[] | null | undefined): APIEmbed[] {
    return (embeds ?? []).map((embed) => ({
      type: 'rich' as APIEmbed['type'],
      ...embed,
      ...(embed.fields ? { fields: embed.fields.map((f) => ({ ...f, inline: f.inline ?? false })) } : {}),
    }));
  }

  private attachmentsFrom(channelId: string, files: RecordedFile[]): APIAttachment[] {
    return files.map((file) => {
      const id = snowflake();
      const url = `https://cdn.discordapp.com/attachments/${channelId}/${id}/${file.filename}`;
      return { id, filename: file.filename, size: file.size, url, proxy_url: url, content_type: file.contentType };
    });
  }

  /** Applies a create/edit body to a message (only the keys present, like Discord's PATCH semantics). */
  private applyBody(message: APIMessage, body: OutgoingMessageBody, files: RecordedFile[], settableFlags: number): APIMessage {
    const next: APIMessage = { ...message };
    if ('content' in body) next.content = body.content ?? '';
    if ('embeds' in body) next.embeds = this.normaliseEmbeds(body.embeds);
    if ('components' in body) next.components = (body.components ?? []) as APIMessage['components'];
    if ('attachments' in body || files.length > 0) {
      const kept = (message.attachments ?? []).filter((a) => (body.attachments ?? []).some((k) => String(k.id) === a.id));
      next.attachments = [...kept, ...this.attachmentsFrom(message.channel_id, files)];
    }
    if (typeof body.flags === 'number') {
      next.flags = ((message.flags ?? 0) & ~settableFlags) | (body.flags & settableFlags);
    }
    if ('tts' in body) next.tts = body.tts === true;
    const mentions = this.mentionsIn(next.content, body.allowed_mentions);
    next.mentions = mentions.users;
    next.mention_roles = mentions.roles;
    next.mention_everyone = mentions.everyone;
    return next;
  }

  /** Creates a bot message (channel post, interaction response or follow-up) after validation. */
  private createBotMessage(
    channelId: string,
    rawBody: unknown,
    files: RecordedFile[],
    opts: { errorPrefix?: string[]; interactionId?: string; extra?: Partial<APIMessage>; settableFlags?: number } = {},
  ): { error: RouteResult } | { message: APIMessage; ephemeral: boolean; after: () => void } {
    const body = asObject(rawBody) as OutgoingMessageBody;
    const errors = validateMessageFields(body, opts.errorPrefix);
    let reply: APIMessage | undefined;
    const reference = body.message_reference;
    if (reference?.message_id !== undefined) {
      reply = this.messages.get(reference.message_id)?.message;
      if (!reply && reference.fail_if_not_exists !== false) {
        const path = [...(opts.errorPrefix ?? []), 'message_reference'];
        errors.add(path, 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE', 'Unknown message');
      }
      const refusal = reply ? threads.replyRefusal(reply, channelId) : null;
      if (refusal) errors.add([...(opts.errorPrefix ?? []), 'message_reference'], refusal.code, refusal.message);
    }
    if (!errors.isEmpty) return { error: invalidForm(errors) };
    const base = { ...this.baseMessage(channelId, this.botUser), ...opts.extra };
    let message = this.applyBody(base, body, files, opts.settableFlags ?? CHANNEL_AND_EDIT_FLAGS);
    if (isEmptyMessage(message, body)) return { error: emptyMessage() };
    if (reply) {
      const repliedTo = reply;
      message = { ...message, ...this.replyFields(repliedTo) };
      // Replies ping the replied-to author unless allowed_mentions says otherwise.
      const pingAuthor = body.allowed_mentions ? body.allowed_mentions.replied_user === true : true;
      if (pingAuthor && !message.mentions.some((u) => u.id === repliedTo.author.id)) {
        message.mentions = [...message.mentions, repliedTo.author];
      }
    }
    const ephemeral = ((message.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
    this.messages.set(message.id, { message, ephemeral, interactionId: opts.interactionId ?? null });
    return { message, ephemeral, after: () => this.echo(GatewayDispatchEvents.MessageCreate, message, ephemeral) };
  }

  private editStoredMessage(stored: StoredMessage, rawBody: unknown, files: RecordedFile[], errorPrefix: string[] = []): RouteResult {
    const body = asObject(rawBody) as OutgoingMessageBody;
    const errors = validateMessageFields(body, errorPrefix);
    if (!errors.isEmpty) return invalidForm(errors);
    const edited = this.applyBody(stored.message, body, files, CHANNEL_AND_EDIT_FLAGS);
    edited.flags = (edited.flags ?? 0) & ~MessageFlags.Loading;
    edited.edited_timestamp = new Date().toISOString();
    if (isEmptyMessage(edited, body)) return emptyMessage();
    stored.message = edited;
    return ok(edited, () => this.echo(GatewayDispatchEvents.MessageUpdate, edited, stored.ephemeral));
  }

  /** Discord tells the bot about its own (non-ephemeral) messages over the gateway too. */
  private echo(event: GatewayDispatchEvents, message: APIMessage, ephemeral: boolean): void {
    if (this.canEcho(ephemeral)) this.dispatch(event, this.toGatewayMessage(message));
  }

  private canEcho(ephemeral: boolean): boolean {
    return this.options.echoBotMessages && !ephemeral && !this.closed && this.sessions.size > 0;
  }

  // ----- REST ---------------------------------------------------------------------------------------------------

  private async onHttpRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const time = Date.now();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const raw = await readBody(req).catch(() => Buffer.alloc(0));
    const { body, files, invalidJson } = parseBody(req.headers['content-type'], raw);
    const request: RecordedRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      path: decodePath(url.pathname.replace(/^\/api(?:\/v\d+)?/, '') || '/'),
      query: Object.fromEntries(url.searchParams),
      body,
      files,
      headers: req.headers,
      time,
      status: 0,
      response: undefined,
    };
    let result: RouteResult;
    try {
      result = invalidJson ? discordError(400, 50109, 'The request body contains invalid JSON.') : this.route(request);
    } catch (error) {
      // A bug in the stand-in: make it loud in the test output rather than a mysterious client error.
      console.error('[discord-stand-in] handler crashed for', request.method, request.path, error);
      result = discordError(500, 0, `500: stand-in crashed: ${String(error)}`);
    }
    request.status = result.status;
    request.response = result.body;
    this.recordRequest(request);
    writeResponse(res, result);
    result.after?.();
  }

  private route(request: RecordedRequest): RouteResult {
    let pathMatched = false;
    for (const route of this.routes) {
      const match = route.pattern.exec(request.path);
      if (!match) continue;
      pathMatched = true;
      if (route.method !== request.method) continue;
      if (route.botAuth && !this.isBotAuthorized(request.headers.authorization)) {
        return discordError(401, 0, '401: Unauthorized');
      }
      // Like Discord: the rate limit first, then the body against the API's schema, then the route's own checks.
      const limit = this.rateLimits.take(request);
      if (limit.refused) return { ...limit.refused, headers: limit.headers };
      const result = this.validateAgainstSchema(route, request) ?? route.handle(request, { ...match.groups });
      return { ...result, headers: { ...limit.headers, ...result.headers } };
    }
    return pathMatched ? discordError(405, 0, '405: Method Not Allowed') : discordError(404, 0, '404: Not Found');
  }

  private validateAgainstSchema(route: Route, request: RecordedRequest): RouteResult | null {
    const schema = requestSchema(route.method, route.template, request.body);
    if (!schema) return null;
    const errors = new FormErrors();
    for (const violation of schemaViolations(schema, request.body ?? {})) errors.add(violation.path, violation.code, violation.message);
    return errors.isEmpty ? null : invalidForm(errors);
  }

  private isBotAuthorized(header: string | undefined): boolean {
    const match = /^Bot (.+)$/.exec(header ?? '');
    return match !== null && this.tokenMatches(match[1]);
  }

  private buildRoutes(): Route[] {
    const route = (method: string, template: string, handle: RouteHandler, botAuth = true): Route => ({
      method,
      template,
      pattern: routePattern(template),
      botAuth,
      handle,
    });
    const webhookMessage = '/webhooks/:app/:token/messages/:message';
    const channelMessage = '/channels/:channel/messages/:message';
    return [
      route('GET', '/gateway', () => ok({ url: this.gatewayUrl }), false),
      route('GET', '/gateway/bot', () => ok(this.gatewayBot())),
      route('GET', '/users/@me', () => ok(this.botUser)),
      route('GET', '/applications/@me', () => ok(this.application())),

      route('GET', '/applications/:app/commands', (_r, p) => this.listCommands(p.app, null)),
      route('PUT', '/applications/:app/commands', (r, p) => this.putCommands(p.app, null, r.body)),
      route('POST', '/applications/:app/commands', (r, p) => this.postCommand(p.app, null, r.body)),
      route('GET', '/applications/:app/guilds/:guild/commands', (_r, p) => this.listCommands(p.app, p.guild)),
      route('PUT', '/applications/:app/guilds/:guild/commands', (r, p) => this.putCommands(p.app, p.guild, r.body)),
      route('POST', '/applications/:app/guilds/:guild/commands', (r, p) => this.postCommand(p.app, p.guild, r.body)),

      route('POST', '/interactions/:id/:token/callback', (r, p) => this.interactionCallback(r, p.id, p.token), false),
      route('POST', '/webhooks/:app/:token', (r, p) => this.followUp(r, p.app, p.token), false),
      route('GET', webhookMessage, (_r, p) => this.webhookMessage(p, (s) => ok(s.message)), false),
      route('PATCH', webhookMessage, (r, p) => this.webhookMessage(p, (s) => this.editStoredMessage(s, r.body, r.files)), false),
      route('DELETE', webhookMessage, (_r, p) => this.webhookMessage(p, (s) => this.deleteStoredMessage(s)), false),

      route('GET', '/channels/:channel', (_r, p) => this.inChannel(p.channel, () => this.botLacks(p.channel, 0n) ?? ok(this.channels.get(p.channel)))),
      route('POST', '/channels/:channel/messages', (r, p) => this.postChannelMessage(r, p.channel)),
      route('GET', '/channels/:channel/messages', (r, p) => threads.listChannelMessages(this.threadWorld, p.channel, r.query)),
      route('POST', `${channelMessage}/threads`, (r, p) => threads.startThreadFromMessage(this.threadWorld, p.channel, p.message, r.body)),
      route('GET', channelMessage, (_r, p) =>
        this.channelMessage(p, (s) => this.botLacks(p.channel, PermissionFlagsBits.ReadMessageHistory) ?? ok(s.message)),
      ),
      route('PATCH', channelMessage, (r, p) => this.channelMessage(p, (s) => this.editOwnMessage(s, r))),
      route('DELETE', channelMessage, (_r, p) => this.channelMessage(p, (s) => this.deleteStoredMessage(s))),
      route('PUT', `${channelMessage}/reactions/:emoji/@me`, (_r, p) => this.channelMessage(p, () => noContent())),
      route('POST', '/channels/:channel/typing', (_r, p) =>
        this.inChannel(p.channel, () => this.botLacks(p.channel, PermissionFlagsBits.SendMessages) ?? noContent()),
      ),

      route('GET', '/guilds/:guild', (_r, p) => this.inGuild(p.guild, () => ok(this.guildCreatePayload()))),
      route('GET', '/guilds/:guild/roles', (_r, p) => this.inGuild(p.guild, () => ok(this.roleList))),
      route('GET', '/guilds/:guild/channels', (_r, p) => this.inGuild(p.guild, () => ok(threads.guildChannels(this.channels.values())))),
      route('GET', '/guilds/:guild/members/:user', (_r, p) =>
        this.inGuild(p.guild, () => {
          const member = this.members.get(p.user);
          return member ? ok(member) : discordError(404, 10007, 'Unknown Member');
        }),
      ),
    ];
  }

  private inChannel(channelId: string, handle: () => RouteResult): RouteResult {
    return this.channels.has(channelId) ? handle() : unknownChannel();
  }

  private inGuild(guildId: string, handle: () => RouteResult): RouteResult {
    return guildId === this.guildId ? handle() : missingAccess();
  }

  private gatewayBot() {
    return {
      url: this.gatewayUrl,
      shards: this.options.recommendedShards,
      session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
    };
  }

  private application(): APIApplication {
    return {
      id: this.applicationId,
      name: this.botUser.username,
      icon: null,
      description: 'Answers questions from news articles (test stand-in).',
      bot_public: false,
      bot_require_code_grant: false,
      bot: this.botUser,
      verify_key: randomBytes(32).toString('hex'),
      owner: this.users.moderator,
      team: null,
      summary: '',
      flags: this.applicationFlags(),
      flags_new: String(this.applicationFlags()),
      approximate_guild_count: 1,
      redirect_uris: [],
      interactions_endpoint_url: null,
      role_connections_verification_url: null,
      event_webhooks_url: null,
      event_webhooks_status: 1,
    };
  }

  // ----- commands -----------------------------------------------------------------------------------------------

  private commandScope(app: string, guild: string | null): RouteResult | Map<string, APIApplicationCommand> {
    if (app !== this.applicationId) return discordError(404, 10002, 'Unknown Application');
    if (guild !== null && guild !== this.guildId) return missingAccess();
    const key = guild ?? 'global';
    let scope = this.commands.get(key);
    if (!scope) this.commands.set(key, (scope = new Map()));
    return scope;
  }

  private toStoredCommand(
    raw: Record<string, unknown>,
    guild: string | null,
    existing: APIApplicationCommand | undefined,
  ): APIApplicationCommand {
    const type = (raw.type as ApplicationCommandType | undefined) ?? ApplicationCommandType.ChatInput;
    const permissions = raw.default_member_permissions;
    return {
      ...(raw as Partial<APIApplicationCommand>),
      id: existing?.id ?? snowflake(),
      application_id: this.applicationId,
      version: snowflake(),
      type,
      name: String(raw.name),
      description: typeof raw.description === 'string' ? raw.description : '',
      default_member_permissions: permissions === undefined || permissions === null ? null : String(permissions),
      nsfw: raw.nsfw === true,
      ...(guild !== null ? { guild_id: guild } : {}),
    } as APIApplicationCommand;
  }

  private listCommands(app: string, guild: string | null): RouteResult {
    const scope = this.commandScope(app, guild);
    return scope instanceof Map ? ok([...scope.values()]) : scope;
  }

  private putCommands(app: string, guild: string | null, body: unknown): RouteResult {
    const scope = this.commandScope(app, guild);
    if (!(scope instanceof Map)) return scope;
    const errors = validateCommands(body);
    if (!errors.isEmpty) return invalidForm(errors);
    const previous = new Map(scope);
    scope.clear();
    for (const raw of body as Array<Record<string, unknown>>) {
      const key = `${(raw.type as number | undefined) ?? ApplicationCommandType.ChatInput}:${String(raw.name)}`;
      scope.set(key, this.toStoredCommand(raw, guild, previous.get(key)));
    }
    return ok([...scope.values()]);
  }

  private postCommand(app: string, guild: string | null, body: unknown): RouteResult {
    const scope = this.commandScope(app, guild);
    if (!(scope instanceof Map)) return scope;
    const raw = asObject(body);
    const errors = new FormErrors();
    validateCommand(errors, [], raw);
    if (!errors.isEmpty) return invalidForm(errors);
    const key = `${(raw.type as number | undefined) ?? ApplicationCommandType.ChatInput}:${String(raw.name)}`;
    const existing = scope.get(key);
    const stored = this.toStoredCommand(raw, guild, existing);
    scope.set(key, stored);
    return { status: existing ? 200 : 201, body: stored };
  }

  // ----- interactions -------------------------------------------------------------------------------------------

  private interactionCallback(request: RecordedRequest, id: string, token: string): RouteResult {
    const interaction = this.interactions.get(id);
    if (!interaction || interaction.token !== token) return unknownInteraction();
    // Discord forgets interactions not acknowledged within 3 s; this is how a slow bot shows up in tests.
    if (request.time - interaction.dispatchedAt > this.options.interactionAckTimeoutMs) return unknownInteraction();
    if (interaction.ack) return discordError(400, 40060, 'Interaction has already been acknowledged.');

    const body = asObject(request.body);
    const type = body.type as InteractionResponseType;
    const data = asObject(body.data);
    const allowed = this.allowedResponseTypes(interaction.type);
    if (!allowed.includes(type)) {
      const errors = new FormErrors();
      errors.add(['type'], 'BASE_TYPE_CHOICES', `Value must be one of {${allowed.join(', ')}}.`);
      return invalidForm(errors);
    }
    const choiceErrors = new FormErrors();
    validateAutocompleteResult(choiceErrors, interaction.type, body.data);
    if (!choiceErrors.isEmpty) return invalidForm(choiceErrors);

    let message: APIMessage | null = null;
    let after: (() => void) | undefined;
    const channelId = interaction.channelId ?? this.channelId;
    const extra: Partial<APIMessage> = {
      type: MessageType.ChatInputCommand,
      webhook_id: this.applicationId,
      application_id: this.applicationId,
      interaction_metadata: {
        id: interaction.id,
        type: InteractionType.ApplicationCommand,
        user: interaction.user ?? this.users.regular,
        authorizing_integration_owners: { '0': this.guildId },
      },
    };
    if (type === InteractionResponseType.ChannelMessageWithSource) {
      const options = { errorPrefix: ['data'], interactionId: id, extra, settableFlags: SETTABLE_FLAGS };
      const created = this.createBotMessage(channelId, data, request.files, options);
      if ('error' in created) return created.error;
      ({ message, after } = created);
    } else if (type === InteractionResponseType.DeferredChannelMessageWithSource) {
      // Discord documents EPHEMERAL as the only valid flag of a deferral (it does not document the error's code).
      const requested = Number(data.flags) || 0;
      if (requested & ~MessageFlags.Ephemeral) {
        const errors = new FormErrors();
        errors.add(['data', 'flags'], 'INTERACTION_RESPONSE_INVALID_FLAGS', 'Only the EPHEMERAL flag may be set on a deferred response.');
        return invalidForm(errors);
      }
      // A deferred reply is a real message in "loading" state; the first edit of @original fills it in.
      const flags = MessageFlags.Loading | requested;
      message = { ...this.baseMessage(channelId, this.botUser), ...extra, flags };
      const ephemeral = (flags & MessageFlags.Ephemeral) !== 0;
      const loading = message;
      this.messages.set(message.id, { message, ephemeral, interactionId: id });
      after = () => this.echo(GatewayDispatchEvents.MessageCreate, loading, ephemeral);
    } else if (type === InteractionResponseType.UpdateMessage || type === InteractionResponseType.DeferredMessageUpdate) {
      // Both answer a click on the clicked message itself: 7 edits it now, 6 leaves that to an edit of @original.
      const source = interaction.sourceMessageId ? this.messages.get(interaction.sourceMessageId) : undefined;
      if (!source) return unknownMessage();
      if (type === InteractionResponseType.UpdateMessage) {
        const updated = this.editStoredMessage(source, data, request.files, ['data']);
        if (updated.status !== 200) return updated;
        after = updated.after;
      }
      message = source.message;
    }

    const ephemeral = message !== null && ((message.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
    interaction.ack = { type, at: request.time, ephemeral };
    interaction.originalMessageId = message?.id ?? null;

    if (request.query.with_response !== 'true') return noContent(after);
    return ok(
      {
        interaction: {
          id: interaction.id,
          type: interaction.type,
          response_message_id: message?.id,
          response_message_loading: type === InteractionResponseType.DeferredChannelMessageWithSource,
          response_message_ephemeral: ephemeral,
        },
        resource: { type, ...(message ? { message } : {}) },
      },
      after,
    );
  }

  private allowedResponseTypes(interactionType: InteractionType): InteractionResponseType[] {
    const R = InteractionResponseType;
    switch (interactionType) {
      case InteractionType.ApplicationCommand:
        return [R.ChannelMessageWithSource, R.DeferredChannelMessageWithSource, R.Modal, R.LaunchActivity];
      case InteractionType.MessageComponent:
        return [
          R.ChannelMessageWithSource,
          R.DeferredChannelMessageWithSource,
          R.DeferredMessageUpdate,
          R.UpdateMessage,
          R.Modal,
        ];
      case InteractionType.ApplicationCommandAutocomplete:
        return [R.ApplicationCommandAutocompleteResult];
      case InteractionType.ModalSubmit:
        return [R.ChannelMessageWithSource, R.DeferredChannelMessageWithSource, R.DeferredMessageUpdate, R.UpdateMessage];
      default:
        return [R.Pong];
    }
  }

  /** The acknowledged interaction behind a webhook token, or the error Discord gives for it. */
  private interactionForWebhook(app: string, token: string): InteractionState | RouteResult {
    if (app !== this.applicationId) return unknownWebhook();
    const interaction = [...this.interactions.values()].find((i) => i.token === token);
    // The interaction webhook only exists once the interaction has been acknowledged.
    if (!interaction || !interaction.ack) return unknownWebhook();
    if (Date.now() - interaction.dispatchedAt > this.options.interactionTokenLifetimeMs) return invalidWebhookToken();
    return interaction;
  }

  private followUp(request: RecordedRequest, app: string, token: string): RouteResult {
    const interaction = this.interactionForWebhook(app, token);
    if (!('token' in interaction)) return interaction;
    const original = interaction.originalMessageId ? this.messages.get(interaction.originalMessageId) : undefined;
    if (original && ((original.message.flags ?? 0) & MessageFlags.Loading) !== 0) {
      // Discord: the first follow-up after a deferral edits the loading message instead of creating one, and keeps
      // the deferral's visibility (a follow-up's EPHEMERAL flag is ignored: a message's visibility never changes).
      return this.editStoredMessage(original, request.body, request.files);
    }
    const created = this.createBotMessage(interaction.channelId ?? this.channelId, request.body, request.files, {
      interactionId: interaction.id,
      settableFlags: SETTABLE_FLAGS,
      extra: { type: MessageType.ChatInputCommand, webhook_id: this.applicationId, application_id: this.applicationId },
    });
    if ('error' in created) return created.error;
    interaction.followUpIds.push(created.message.id);
    // Interaction follow-ups always answer with the message, whatever `wait` says.
    return ok(created.message, created.after);
  }

  private webhookMessage(params: Record<string, string>, handle: (stored: StoredMessage) => RouteResult): RouteResult {
    const interaction = this.interactionForWebhook(params.app, params.token);
    if (!('token' in interaction)) return interaction;
    const messageId = params.message === '@original' ? interaction.originalMessageId : params.message;
    const stored = messageId ? this.messages.get(messageId) : undefined;
    // @original of a component click is the clicked message, which another interaction (or a post) created.
    if (!stored || (stored.interactionId !== interaction.id && messageId !== interaction.originalMessageId)) return unknownMessage();
    return handle(stored);
  }

  // ----- channel messages ---------------------------------------------------------------------------------------

  private postChannelMessage(request: RecordedRequest, channelId: string): RouteResult {
    if (!this.channels.has(channelId)) return unknownChannel();
    const nonText = nonTextChannelRefusal(this.channels.get(channelId)!);
    if (nonText) return discordError(nonText.status, nonText.code, nonText.message);
    const isReply = asObject(asObject(request.body).message_reference).message_id !== undefined;
    const needed = threads.sendPermissionFor(this.channels.get(channelId)) | (isReply ? PermissionFlagsBits.ReadMessageHistory : 0n);
    const refused = this.botLacks(channelId, needed);
    if (refused) return refused;
    const created = this.createBotMessage(channelId, request.body, request.files);
    if ('error' in created) return created.error;
    return ok(created.message, created.after);
  }

  private channelMessage(params: Record<string, string>, handle: (stored: StoredMessage) => RouteResult): RouteResult {
    if (!this.channels.has(params.channel)) return unknownChannel();
    const stored = this.messages.get(params.message);
    if (!stored || stored.message.channel_id !== params.channel || stored.ephemeral) return unknownMessage();
    return handle(stored);
  }

  private editOwnMessage(stored: StoredMessage, request: RecordedRequest): RouteResult {
    if (stored.message.author.id !== this.botUser.id) {
      return discordError(403, 50005, 'Cannot edit a message authored by another user');
    }
    return this.editStoredMessage(stored, request.body, request.files);
  }

  private deleteStoredMessage(stored: StoredMessage): RouteResult {
    this.messages.delete(stored.message.id);
    const { id, channel_id } = stored.message;
    return noContent(() => {
      if (!this.canEcho(stored.ephemeral)) return;
      this.dispatch(GatewayDispatchEvents.MessageDelete, { id, channel_id, guild_id: this.guildId });
    });
  }
}
