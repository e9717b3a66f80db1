/**
 * Attachments and autocomplete for the Discord stand-in, kept apart from its transport code; `discord-stand-in.ts`
 * calls these from a few small hooks.
 *
 * Attachments: a slash command's attachment option carries an attachment id, and `data.resolved.attachments` maps
 * it to `{ id, filename, size, url, proxy_url, content_type }`; the file itself is served from Discord's CDN at
 * `https://cdn.discordapp.com/attachments/<channel>/<id>/<filename>?ex=…&is=…&hm=…`, a signed address (without
 * its signature the CDN answers 404). The `AttachmentHost` serves them the same way on 127.0.0.1, counting what
 * it sent, and can stall or lie about a file's length the way a bad network or a forged payload would.
 *
 * Autocomplete (Discord docs, "Receiving and Responding" → autocomplete): an interaction of type 4 carrying the
 * options typed so far, exactly one of them `focused`; the only answer is callback type 8 with at most 25 choices,
 * each with a name of 1–100 characters and a value of the focused option's type (strings at most 100 characters).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  InteractionType,
  type APIApplicationCommand,
  type APIApplicationCommandAutocompleteGuildInteraction,
  type APIApplicationCommandInteractionDataBasicOption,
  type APIAttachment,
} from 'discord.js';
import type { ComponentErrorSink } from './stand-in-components.js';

export interface HostedFileOptions {
  /** The content type the uploader's client declared (Discord passes it on unchecked). */
  contentType?: string;
  /** The size the payload claims; default the real one. A forged payload may claim anything. */
  declaredSize?: number;
  /** Send this many bytes, then keep the connection open without sending more or ending. */
  stallAfterBytes?: number;
  /** Leave out Content-Length (chunked transfer), so only the body itself tells how long the file is. */
  omitContentLength?: boolean;
}

interface HostedFile extends HostedFileOptions {
  attachment: APIAttachment;
  bytes: Buffer;
  signature: string;
}

export interface AttachmentDownload {
  path: string;
  status: number;
  /** Bytes written before the response ended or the client went away. */
  bytesSent: number;
  /** Whether the client closed the connection before the whole file was sent. */
  abandoned: boolean;
}

let attachmentCounter = 0;

/** Discord's CDN on 127.0.0.1: signed attachment URLs, byte counts per download. */
export class AttachmentHost {
  private readonly files = new Map<string, HostedFile>();
  private readonly server = createServer((req, res) => this.serve(req, res));
  readonly downloads: AttachmentDownload[] = [];
  origin = '';

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Uploads a file as a member's client would: returns the attachment object Discord puts in `resolved`. */
  add(channelId: string, filename: string, bytes: Buffer | string, options: HostedFileOptions = {}): APIAttachment {
    const content = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, 'utf8');
    // Snowflake-shaped and unique; Discord's ids are snowflakes too.
    const id = (BigInt(Date.now() - 1420070400000) << 22n | BigInt(++attachmentCounter & 0xfff)).toString();
    const signature = randomBytes(16).toString('hex');
    const expires = Math.floor(Date.now() / 1000 + 86_400).toString(16);
    const path = `/attachments/${channelId}/${id}/${encodeURIComponent(filename)}`;
    const url = `${this.origin}${path}?ex=${expires}&is=${expires}&hm=${signature}&`;
    const attachment: APIAttachment = {
      id,
      filename,
      size: options.declaredSize ?? content.length,
      url,
      proxy_url: url.replace('/attachments/', '/media/attachments/'),
      ...(options.contentType ? { content_type: options.contentType } : {}),
    };
    this.files.set(path, { ...options, attachment, bytes: content, signature });
    return attachment;
  }

  private serve(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.origin);
    const file = this.files.get(url.pathname);
    const record: AttachmentDownload = { path: url.pathname, status: 404, bytesSent: 0, abandoned: false };
    this.downloads.push(record);
    // The CDN refuses an unsigned or wrongly signed address.
    if (req.method !== 'GET' || !file || url.searchParams.get('hm') !== file.signature) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('This content is no longer available.');
      return;
    }
    record.status = 200;
    res.on('close', () => {
      if (!res.writableFinished) record.abandoned = true;
    });
    const headers: Record<string, string> = { 'content-type': file.contentType ?? 'application/octet-stream' };
    if (!file.omitContentLength && file.stallAfterBytes === undefined) headers['content-length'] = String(file.bytes.length);
    res.writeHead(200, headers);
    const end = file.stallAfterBytes ?? file.bytes.length;
    // 16 KiB every few milliseconds, like a real link: loopback buffers would otherwise take a whole file at once,
    // and a client that stops reading early could not be told from one that read it all.
    const piece = 16 * 1024;
    let offset = 0;
    const sendMore = () => {
      if (res.destroyed) return;
      if (offset >= end) {
        if (file.stallAfterBytes === undefined) res.end();
        return;
      }
      const chunk = file.bytes.subarray(offset, Math.min(offset + piece, end));
      offset += chunk.length;
      record.bytesSent += chunk.length;
      res.write(chunk, () => setTimeout(sendMore, 5));
    };
    sendMore();
  }
}

/** The options and `resolved` of a slash command whose attachment options hold these files. */
export function attachmentOptions(
  files: Record<string, APIAttachment>,
  others: Record<string, string> = {},
): { options: APIApplicationCommandInteractionDataBasicOption[]; resolved: { attachments: Record<string, APIAttachment> } } {
  const options: APIApplicationCommandInteractionDataBasicOption[] = Object.entries(files).map(([name, a]) => ({
    name,
    type: ApplicationCommandOptionType.Attachment,
    value: a.id,
  }));
  for (const [name, value] of Object.entries(others)) options.push({ name, type: ApplicationCommandOptionType.String, value });
  return { options, resolved: { attachments: Object.fromEntries(Object.values(files).map((a) => [a.id, a])) } };
}

export interface AutocompleteInput {
  /** The command being typed. */
  name: string;
  /** The option the member is typing in, and what it holds so far. */
  focused: string;
  value: string;
  /** Other options already filled in (strings). */
  others?: Record<string, string>;
}

/** The `data` of an autocomplete interaction; throws, as Discord would never send it, if the option has no autocomplete. */
export function autocompleteData(command: APIApplicationCommand | undefined, input: AutocompleteInput): APIApplicationCommandAutocompleteGuildInteraction['data'] {
  if (!command) throw new Error(`sendAutocomplete: /${input.name} is not registered`);
  const option = command.options?.find((o) => o.name === input.focused);
  if (!option || !('autocomplete' in option) || option.autocomplete !== true) {
    throw new Error(`sendAutocomplete: option ${input.focused} of /${input.name} has no autocomplete, so Discord would not ask`);
  }
  const others = Object.entries(input.others ?? {}).map(([name, value]) => ({ name, type: ApplicationCommandOptionType.String as const, value }));
  return {
    id: command.id,
    name: command.name,
    type: ApplicationCommandType.ChatInput,
    options: [{ name: input.focused, type: ApplicationCommandOptionType.String, value: input.value, focused: true }, ...others],
    ...(command.guild_id ? { guild_id: command.guild_id } : {}),
  } as APIApplicationCommandAutocompleteGuildInteraction['data'];
}

export const AUTOCOMPLETE_LIMITS = { choices: 25, chars: 100 };

/**
 * Checks a type-8 callback's choices beyond the schema: at most 25, names 1–100 characters, string values of at
 * most 100 characters (an autocomplete interaction's focused option is a string here).
 */
export function validateAutocompleteResult(errors: ComponentErrorSink, interactionType: InteractionType, data: unknown): void {
  if (interactionType !== InteractionType.ApplicationCommandAutocomplete) return;
  const choices = (data as { choices?: unknown } | undefined)?.choices;
  if (!Array.isArray(choices)) return errors.add(['data', 'choices'], 'BASE_TYPE_REQUIRED', 'This field is required');
  if (choices.length > AUTOCOMPLETE_LIMITS.choices) {
    errors.add(['data', 'choices'], 'BASE_TYPE_MAX_LENGTH', `Must be ${AUTOCOMPLETE_LIMITS.choices} or fewer in length.`);
  }
  choices.forEach((raw, i) => {
    const choice = (raw ?? {}) as { name?: unknown; value?: unknown };
    const name = typeof choice.name === 'string' ? [...choice.name].length : 0;
    if (name < 1 || name > AUTOCOMPLETE_LIMITS.chars) {
      errors.add(['data', 'choices', i, 'name'], 'BASE_TYPE_BAD_LENGTH', `Must be between 1 and ${AUTOCOMPLETE_LIMITS.chars} in length.`);
    }
    if (typeof choice.value !== 'string') errors.add(['data', 'choices', i, 'value'], 'BASE_TYPE_STRING', 'Must be a string.');
    else if ([...choice.value].length > AUTOCOMPLETE_LIMITS.chars) {
      errors.add(['data', 'choices', i, 'value'], 'BASE_TYPE_MAX_LENGTH', `Must be ${AUTOCOMPLETE_LIMITS.chars} or fewer in length.`);
    }
  });
}
