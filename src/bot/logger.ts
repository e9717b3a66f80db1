import { pino, type Logger } from 'pino';

/** Structured JSON log on stdout. Tokens are redacted wherever they appear in logged objects. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    { level, redact: { paths: ['token', '*.token', '*.*.token', 'headers.authorization', '*.headers.authorization'], censor: '[redacted]' } },
    destination,
  );
}
