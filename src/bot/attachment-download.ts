import { formatBytes } from '../corpus/article-file.js';

/** Where Discord serves message and interaction attachments. */
export const DISCORD_ATTACHMENT_ORIGINS: readonly string[] = ['https://cdn.discordapp.com', 'https://media.discordapp.net'];

/** Longer than any article takes from Discord's CDN; a stalled download must not hold a reply past its token. */
export const DOWNLOAD_TIMEOUT_MS = 30_000;

export interface DownloadLimits {
  /** Origins (scheme://host[:port]) downloads may come from. */
  allowedOrigins: readonly string[];
  /** Reading stops past this many bytes. */
  maxBytes: number;
  timeoutMs?: number;
}

/** An attachment as Discord describes it: its name, its declared size and where to fetch it. */
export interface AttachmentRef {
  name: string;
  size: number;
  url: string;
}

/**
 * Fetches an attachment's bytes, or says in one sentence why not. Only from the allowed origins (a forged payload
 * cannot make the bot fetch an internal address), without following redirects (which could leave them), and never
 * more than `maxBytes`: a declared size over the limit is refused before any request, and the body is read as a
 * stream that is cancelled as soon as it passes the limit, whatever Content-Length said.
 */
export async function downloadAttachment(attachment: AttachmentRef, limits: DownloadLimits): Promise<{ bytes: Buffer } | { reason: string }> {
  const name = `"${attachment.name}"`;
  const tooBig = (size: string) => ({ reason: `${name} is ${size}, over the ${formatBytes(limits.maxBytes)} upload limit (MAX_UPLOAD_BYTES).` });
  let url: URL;
  try {
    url = new URL(attachment.url);
  } catch {
    return { reason: `${name} has no valid download address.` };
  }
  if (!limits.allowedOrigins.includes(url.origin)) return { reason: `${name} is not a Discord attachment, so it was not downloaded.` };
  if (attachment.size > limits.maxBytes) return tooBig(formatBytes(attachment.size));

  const timeoutMs = limits.timeoutMs ?? DOWNLOAD_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  // Aborting, unlike cancelling the body alone, closes the connection: the server stops sending at once.
  const stop = new AbortController();
  const parts: Buffer[] = [];
  let length = 0;
  try {
    const response = await fetch(url, { redirect: 'error', signal: AbortSignal.any([timeout, stop.signal]) });
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      return { reason: `${name} could not be downloaded from Discord (HTTP ${response.status}).` };
    }
    const declared = Number(response.headers.get('content-length'));
    if (declared > limits.maxBytes) {
      stop.abort();
      return tooBig(formatBytes(declared));
    }
    for await (const part of response.body) {
      length += part.byteLength;
      if (length > limits.maxBytes) {
        stop.abort();
        break;
      }
      parts.push(Buffer.from(part));
    }
    return length > limits.maxBytes ? tooBig(`at least ${formatBytes(length)}`) : { bytes: Buffer.concat(parts, length) };
  } catch (err) {
    // Stopping the stream past the limit can surface here as the abort it is.
    if (length > limits.maxBytes) return tooBig(`at least ${formatBytes(length)}`);
    if (timeout.aborted) return { reason: `${name} took longer than ${Number((timeoutMs / 1000).toFixed(1))} s to download from Discord; try again.` };
    return { reason: `${name} could not be downloaded from Discord (${err instanceof Error ? err.message : String(err)}).` };
  }
}
