import { pino, type Logger } from 'pino';

/**
 * A failed Discord request is logged with its URL, and for interactions that URL holds the interaction's token
 * (a credential: whoever has it can post and edit as the bot in that channel for 15 minutes).
 */
const URL_TOKENS = /\/(interactions\/\d+|webhooks\/\d+)\/[^/?]+/g;

function serializeError(err: Error): ReturnType<typeof pino.stdSerializers.err> {
  const serialized = pino.stdSerializers.err(err);
  if (typeof serialized.url === 'string') serialized.url = serialized.url.replace(URL_TOKENS, '/$1/[redacted]');
  return serialized;
}

/** Structured JSON log on stdout. Tokens are redacted wherever they appear in logged objects. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      serializers: { err: serializeError },
      redact: { paths: ['token', '*.token', '*.*.token', 'headers.authorization', '*.headers.authorization'], censor: '[redacted]' },
    },
    destination,
  );
}
